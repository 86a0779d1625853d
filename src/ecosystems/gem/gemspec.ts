/**
 * Installed gem specifications: the Ruby files RubyGems writes to `<gem home>/specifications/` (and
 * `specifications/default/` for default gems) with `Gem::Specification#to_ruby`. They are read as
 * text, never evaluated: the assignments to_ruby writes one per line (`s.name = "rack".freeze`,
 * `s.version = "3.0.8".freeze`, `s.licenses = ["MIT".freeze]`), with the `# stub:` header line as a
 * fallback for name and version.
 */
export interface GemSpec {
  name: string;
  version: string;
  platform?: string;
  licenses: string[];
}

const ASSIGNMENT = /^\s*[a-z_]\w*\.(name|version|platform|licenses?)\s*=\s*(.*)$/;
const STUB = /^#\s*stub:\s+(\S+)\s+(\S+)(?:\s+(\S+))?/;
/** "…" (Ruby's String#dump, escapes included), '…', %q{…} */
const STRING = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|%q\{([^}]*)\}/g;
const NAME = /^[A-Za-z0-9._-]+$/;
const MAX_LINES = 20_000;

function rubyUnescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, e: string) => {
    if (e.startsWith('u{')) return safeCodePoint(Number.parseInt(e.slice(2, -1), 16));
    if (e[0] === 'u' && e.length === 5) return safeCodePoint(Number.parseInt(e.slice(1), 16));
    if (e[0] === 'x' && e.length === 3) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return e === 'n' ? '\n' : e === 't' ? '\t' : e === 'e' ? '\x1b' : e;
  });
}

function safeCodePoint(n: number): string {
  return n <= 0x10ffff ? String.fromCodePoint(n) : '\uFFFD';
}

function strings(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(STRING)) out.push(rubyUnescape(m[1] ?? m[2] ?? m[3] ?? ''));
  return out;
}

/** The gem a specification file describes, or a reason it could not be read. */
export function parseGemspec(text: string): GemSpec | { problem: string } {
  let name: string | undefined;
  let version: string | undefined;
  let platform: string | undefined;
  let licenses: string[] | undefined;
  let stub: RegExpExecArray | null = null;
  let start = 0;
  for (let n = 0; start < text.length && n < MAX_LINES; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (n < 5 && line.startsWith('#')) {
      stub ??= STUB.exec(line);
      continue;
    }
    const m = ASSIGNMENT.exec(line);
    if (!m) continue;
    const field = m[1]!;
    const values = strings(m[2]!);
    if (field === 'name') name ??= values[0];
    else if (field === 'version') version ??= values[0];
    else if (field === 'platform') platform ??= values[0];
    else licenses ??= values;
  }
  name ??= stub?.[1];
  version ??= stub?.[2];
  if (platform === undefined && stub?.[3] && !stub[3].includes('/')) platform = stub[3];
  if (!name || !NAME.test(name)) return { problem: `no gem name (s.name) in the specification` };
  if (!version || /\s/.test(version.trim()) || version.trim() === '')
    return { problem: `gem ${name}: no version (s.version) in the specification` };
  const spec: GemSpec = {
    name,
    version: version.trim(),
    licenses: (licenses ?? []).map((l) => l.trim()).filter((l) => l !== ''),
  };
  if (platform && platform !== 'ruby') spec.platform = platform;
  return spec;
}
