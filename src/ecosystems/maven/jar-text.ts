/**
 * The two small text formats a Java archive describes itself with: `META-INF/MANIFEST.MF` (JAR File
 * Specification, https://docs.oracle.com/en/java/javase/17/docs/specs/jar/jar.html#jar-manifest) and
 * Maven's `META-INF/maven/<groupId>/<artifactId>/pom.properties` (java.util.Properties text,
 * https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/util/Properties.html#load(java.io.Reader)).
 * Both parsers are lenient and never throw: what cannot be read is left out.
 */

/** A manifest: its main section, then each `Name:` section, attribute names as written. */
export interface JarManifest {
  main: Map<string, string>;
  sections: Map<string, string>[];
}

/** Lines at most this many per manifest are read (a signed jar's manifest lists every file). */
const MAX_MANIFEST_LINES = 200_000;

/**
 * Reads a manifest: sections are separated by blank lines (the first is the main section); a header
 * is `Name: value`; a line starting with one space continues the previous header's value. A line that
 * is no header (no `:`, or an empty name) is skipped, and so are continuation lines after it.
 */
export function parseManifest(text: string): JarManifest {
  const sections: Map<string, string>[] = [];
  let current: Map<string, string> | undefined;
  let key: string | undefined;
  const lines = text.split(/\r\n|\r|\n/, MAX_MANIFEST_LINES);
  for (const line of lines) {
    if (line === '') {
      current = undefined;
      key = undefined;
      continue;
    }
    if (line.startsWith(' ')) {
      if (current && key !== undefined) current.set(key, current.get(key) + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      key = undefined;
      continue;
    }
    if (!current) {
      current = new Map();
      sections.push(current);
    }
    key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1);
    current.set(key, value.startsWith(' ') ? value.slice(1) : value);
  }
  return { main: sections[0] ?? new Map(), sections: sections.slice(1) };
}

/** Properties lines at most this many are read: pom.properties has a handful. */
const MAX_PROPERTY_LINES = 10_000;

function unescapeProperty(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i === s.length - 1) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      out += String.fromCharCode(Number.parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += n === 't' ? '\t' : n === 'n' ? '\n' : n === 'r' ? '\r' : n === 'f' ? '\f' : n;
  }
  return out;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\f';

/**
 * Reads java.util.Properties text: `#`/`!` comments, a key ended by the first unescaped `=`, `:` or
 * white space (`groupId:org.anchore` and `groupId = org.anchore` both work), values continued by a
 * trailing backslash, `\uXXXX` escapes. Later keys win, as in Java.
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/, MAX_PROPERTY_LINES);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // a logical line goes on while it ends with an odd number of backslashes
    for (;;) {
      const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
      if (trailing % 2 === 0 || i + 1 >= lines.length) break;
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    let k = 0;
    while (k < line.length) {
      const c = line[k]!;
      if (c === '\\') k += 2;
      else if (c === '=' || c === ':' || isBlank(c)) break;
      else k++;
    }
    const key = line.slice(0, Math.min(k, line.length));
    let v = k;
    while (isBlank(line[v])) v++;
    if (line[v] === '=' || line[v] === ':') v++;
    while (isBlank(line[v])) v++;
    out.set(unescapeProperty(key), unescapeProperty(line.slice(v)));
  }
  return out;
}
