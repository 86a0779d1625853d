/**
 * Parser for Debian control-file paragraphs ("stanzas"), the RFC 822-like syntax of dpkg's status
 * database: https://manpages.debian.org/bookworm/dpkg-dev/deb822.5.en.html
 *
 * Paragraphs are separated by lines that are empty or hold only spaces/tabs; a field is `Name: value`;
 * a line starting with a space or tab continues the previous field. Field names are matched
 * case-insensitively (stored lower-cased). CRLF line ends are accepted.
 */

/** One paragraph: its fields by lower-cased name, and the 1-based line where it starts. */
export interface ControlStanza {
  line: number;
  /** value of each field: first line trimmed, continuation lines appended after `\n`, trimmed */
  fields: Map<string, string>;
}

export interface ParsedControl {
  stanzas: ControlStanza[];
  /** lines that are neither a field, a continuation nor a separator, and repeated fields */
  problems: string[];
}

const FIELD = /^([^\s:#-][^\s:]*):(.*)$/;

/** Splits `text` into stanzas; never throws, whatever the input. */
export function parseControlStanzas(text: string): ParsedControl {
  const stanzas: ControlStanza[] = [];
  const problems: string[] = [];
  let current: ControlStanza | undefined;
  let lastField: string | undefined;

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);

    if (line.trim() === '') {
      current = undefined;
      lastField = undefined;
      continue;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (current && lastField !== undefined) {
        const prev = current.fields.get(lastField) ?? '';
        const more = line.trim();
        current.fields.set(lastField, prev === '' ? more : `${prev}\n${more}`);
      } else {
        problems.push(`line ${lineNo}: continuation line without a field`);
      }
      continue;
    }
    if (line[0] === '#') continue;

    if (!current) {
      current = { line: lineNo, fields: new Map() };
      stanzas.push(current);
    }
    const m = FIELD.exec(line);
    if (!m) {
      problems.push(`line ${lineNo}: not a "Field: value" line: ${excerpt(line)}`);
      lastField = undefined;
      continue;
    }
    const name = m[1]!.toLowerCase();
    if (current.fields.has(name)) {
      problems.push(`line ${lineNo}: repeated field ${excerpt(m[1]!)} (first value kept)`);
      lastField = undefined;
      continue;
    }
    current.fields.set(name, m[2]!.trim());
    lastField = name;
  }
  return { stanzas, problems };
}

/** A short, printable form of untrusted text for problem messages. */
export function excerpt(s: string, max = 80): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(clean.length > max ? `${clean.slice(0, max)}…` : clean);
}
