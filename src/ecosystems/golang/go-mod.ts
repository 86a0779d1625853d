/**
 * A go.mod file's `module`, `require` and `replace` directives (https://go.dev/ref/mod#go-mod-file),
 * single-line and block forms; `exclude`, `retract`, `toolchain`, `godebug`… are ignored.
 */
export interface GoModRequire {
  path: string;
  version: string;
  indirect: boolean;
}

export interface GoModReplace {
  path: string;
  /** only this version of `path` is replaced; every version when absent */
  version?: string;
  newPath: string;
  /** absent for a directory replacement */
  newVersion?: string;
}

export interface GoModFile {
  module?: string;
  go?: string;
  require: GoModRequire[];
  replace: GoModReplace[];
  problems: string[];
}

const MAX_LINES = 200_000;

/** Splits a go.mod line into tokens (quoted strings unquoted) and whether its comment says `indirect`. */
function tokens(line: string): { words: string[]; indirect: boolean } {
  const words: string[] = [];
  let i = 0;
  let indirect = false;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '/' && line[i + 1] === '/') {
      indirect = /^\/\/\s*indirect\s*(;|$)/.test(line.slice(i));
      break;
    } else if (c === '"' || c === '`') {
      const end = line.indexOf(c, i + 1);
      const raw = line.slice(i + 1, end < 0 ? line.length : end);
      words.push(c === '"' ? raw.replace(/\\(.)/g, '$1') : raw);
      i = end < 0 ? line.length : end + 1;
    } else if (c === '(' || c === ')') {
      words.push(c);
      i++;
    } else {
      let j = i;
      while (j < line.length && !' \t\r"`'.includes(line[j]!) && !line.startsWith('//', j)) j++;
      words.push(line.slice(i, j));
      i = j;
    }
  }
  return { words, indirect };
}

export function parseGoMod(text: string): GoModFile {
  const out: GoModFile = { require: [], replace: [], problems: [] };
  let block: string | undefined;
  const lines = text.split('\n');
  if (lines.length > MAX_LINES) {
    out.problems.push(`${lines.length} lines: only the first ${MAX_LINES} read`);
    lines.length = MAX_LINES;
  }
  for (const [n, line] of lines.entries()) {
    const { words, indirect } = tokens(line);
    if (words.length === 0) continue;
    let verb: string;
    let args: string[];
    if (block !== undefined) {
      if (words[0] === ')') {
        block = undefined;
        continue;
      }
      verb = block;
      args = words;
    } else {
      verb = words[0]!;
      if (words[1] === '(' && words.length === 2) {
        block = verb;
        continue;
      }
      args = words.slice(1);
    }
    switch (verb) {
      case 'module':
        out.module = args[0];
        break;
      case 'go':
        out.go = args[0];
        break;
      case 'require':
        if (args.length === 2) out.require.push({ path: args[0]!, version: args[1]!, indirect });
        else out.problems.push(`line ${n + 1}: bad require`);
        break;
      case 'replace': {
        const arrow = args.indexOf('=>');
        const left = args.slice(0, arrow);
        const right = args.slice(arrow + 1);
        if (arrow < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
          out.problems.push(`line ${n + 1}: bad replace`);
          break;
        }
        const r: GoModReplace = { path: left[0]!, newPath: right[0]! };
        if (left[1]) r.version = left[1];
        if (right[1]) r.newVersion = right[1];
        out.replace.push(r);
        break;
      }
    }
  }
  return out;
}

/** The module a requirement resolves to after `replace` (a version-specific replace wins). */
export function applyReplace(req: GoModRequire, replaces: GoModReplace[]): { path: string; version: string } {
  const r =
    replaces.find((x) => x.path === req.path && x.version === req.version) ??
    replaces.find((x) => x.path === req.path && x.version === undefined);
  if (r?.newVersion) return { path: r.newPath, version: r.newVersion };
  return { path: req.path, version: req.version };
}
