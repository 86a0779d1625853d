/**
 * Bundler's lockfile (`Gemfile.lock`, `gems.locked`): the gems of its `GEM`, `GIT` and `PATH`
 * sections, each listed under `  specs:` at four spaces as `name (version)` or
 * `name (version-platform)`; the lines at six spaces below one are its dependencies, not gems.
 * Format: https://bundler.io/guides/gemfile_lock.html and Bundler::LockfileParser.
 */
export interface LockedGem {
  name: string;
  version: string;
  platform?: string;
}

const SOURCE_SECTIONS = new Set(['GEM', 'GIT', 'PATH']);
const SPEC = /^ {4}([A-Za-z0-9._-]+) \(([^)\s]+)\)!?$/;
const MAX_GEMS = 100_000;

export function parseGemfileLock(text: string): { gems: LockedGem[]; problems: string[] } {
  const gems: LockedGem[] = [];
  const problems: string[] = [];
  const seen = new Map<string, LockedGem>();
  let inSource = false;
  let inSpecs = false;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    if (line[0] !== ' ') {
      inSource = SOURCE_SECTIONS.has(line.trim());
      inSpecs = false;
      continue;
    }
    if (!inSource) continue;
    if (line.startsWith('  ') && line[2] !== ' ') {
      inSpecs = line === '  specs:';
      continue;
    }
    if (!inSpecs || line[4] === ' ') continue;
    const m = SPEC.exec(line);
    if (!m) {
      if (problems.length < 50) problems.push(`unreadable spec line: ${JSON.stringify(line.slice(0, 200))}`);
      continue;
    }
    // Bundler: the version ends at the first `-` (RubyGems versions have none), the platform follows
    const dash = m[2]!.indexOf('-');
    const version = dash < 0 ? m[2]! : m[2]!.slice(0, dash);
    const platform = dash < 0 ? undefined : m[2]!.slice(dash + 1);
    const key = `${m[1]}\0${version}`;
    const prior = seen.get(key);
    if (prior) {
      // one gem resolved for several platforms: one component, platform only when they all agree
      if (prior.platform !== platform) delete prior.platform;
      continue;
    }
    if (gems.length >= MAX_GEMS) {
      problems.push(`more than ${MAX_GEMS} gems: the rest not read`);
      break;
    }
    const gem: LockedGem = { name: m[1]!, version };
    if (platform && platform !== 'ruby') gem.platform = platform;
    seen.set(key, gem);
    gems.push(gem);
  }
  return { gems, problems };
}
