/**
 * Parser for os-release(5) files (`etc/os-release`, `usr/lib/os-release`) and the same
 * shell-assignment syntax of `etc/lsb-release`:
 * https://www.freedesktop.org/software/systemd/man/latest/os-release.html
 *
 * One `KEY=value` per line; blank lines and lines starting with `#` are ignored; a value may be
 * unquoted, 'single-quoted' (literal) or "double-quoted" (where `\` escapes `"`, `\`, `$` and `` ` ``),
 * and outside quotes `\` escapes the next character; unquoted whitespace ends the value.
 */

export interface KeyValueFile {
  values: Map<string, string>;
  /** malformed lines and unterminated quotes (the value is still taken) */
  problems: string[];
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const DOUBLE_QUOTE_ESCAPES = '"\\$`';

/** Parses `text`; never throws. A repeated key keeps its last value, as a shell would. */
export function parseOsRelease(text: string): KeyValueFile {
  const values = new Map<string, string>();
  const problems: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      problems.push(`line ${i + 1}: not a KEY=value assignment: ${excerpt(line)}`);
      continue;
    }
    const { value, complete } = unquote(m[2]!);
    if (!complete) problems.push(`line ${i + 1}: unterminated quote in ${m[1]}`);
    values.set(m[1]!, value);
  }
  return { values, problems };
}

function unquote(raw: string): { value: string; complete: boolean } {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === '"') {
      i++;
      while (i < raw.length && raw[i] !== '"') {
        const next = raw[i + 1];
        if (raw[i] === '\\' && next !== undefined && DOUBLE_QUOTE_ESCAPES.includes(next)) {
          out += next;
          i += 2;
        } else {
          out += raw[i++];
        }
      }
      if (i >= raw.length) return { value: out, complete: false };
      i++;
    } else if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) return { value: out + raw.slice(i + 1), complete: false };
      out += raw.slice(i + 1, end);
      i = end + 1;
    } else if (c === '\\') {
      out += raw[i + 1] ?? '';
      i += 2;
    } else if (c === ' ' || c === '\t') {
      break;
    } else {
      out += c;
      i++;
    }
  }
  return { value: out, complete: true };
}

/** A short, printable form of untrusted text for problem messages. */
export function excerpt(s: string, max = 80): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(clean.length > max ? `${clean.slice(0, max)}…` : clean);
}
