/**
 * Test support: builds a real Go program offline (no network, no module proxy) with the host's Go
 * toolchain. The program imports three vendored modules: golang.org/x/text v0.3.7 (a real module
 * path and version with real Go advisories), example.com/lib v1.0.0 replaced by the module
 * example.com/libfork v1.0.1, and example.com/local replaced by a local directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const FILES: Record<string, string> = {
  'go.mod': `module example.com/app

go 1.17

require (
\texample.com/lib v1.0.0
\texample.com/local v0.0.0
\tgolang.org/x/text v0.3.7 // indirect
)

replace example.com/lib => example.com/libfork v1.0.1

replace example.com/local => ./local
`,
  'vendor/modules.txt': `# example.com/lib v1.0.0 => example.com/libfork v1.0.1
## explicit
example.com/lib
# example.com/local v0.0.0 => ./local
## explicit
example.com/local
# golang.org/x/text v0.3.7
## explicit
golang.org/x/text/language
# example.com/lib => example.com/libfork v1.0.1
# example.com/local => ./local
`,
  'vendor/golang.org/x/text/language/language.go':
    'package language\n\nfunc Parse(s string) string { return "tag:" + s }\n',
  'vendor/example.com/lib/lib.go': 'package lib\n\nfunc Lib() string { return "lib" }\n',
  'vendor/example.com/local/local.go': 'package local\n\nfunc Local() string { return "local" }\n',
  'local/go.mod': 'module example.com/local\n',
  'local/local.go': 'package local\n\nfunc Local() string { return "local" }\n',
  'main.go': `package main

import (
\t"fmt"

\t"example.com/lib"
\t"example.com/local"
\t"golang.org/x/text/language"
)

func main() { fmt.Println(language.Parse("en"), lib.Lib(), local.Local()) }
`,
};

export interface GoBuild {
  /** output file name */
  name: string;
  goos?: string;
  goarch?: string;
  ldflags?: string;
}

/** Writes the program's sources under `dir/src` and builds each variant to `dir/out/<name>`. */
export function buildGoApp(dir: string, builds: GoBuild[]): { src: string; out: string } {
  const src = path.join(dir, 'src');
  const out = path.join(dir, 'out');
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    writeFileSync(path.join(src, rel), text);
  }
  mkdirSync(out, { recursive: true });
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    GOFLAGS: '-mod=vendor',
    GOPROXY: 'off',
    GOSUMDB: 'off',
    GOTOOLCHAIN: 'local',
    GO111MODULE: 'on',
    CGO_ENABLED: '0',
    // Go's build cache is content-addressed: sharing it between runs only saves time
    GOCACHE: process.env.HULLSCAN_GOCACHE ?? path.join(homedir(), '.cache', 'hullscan-gocache'),
    GOPATH: path.join(dir, 'gopath'),
  };
  for (const b of builds) {
    const args = ['build', '-trimpath', '-o', path.join(out, b.name)];
    if (b.ldflags) args.push(`-ldflags=${b.ldflags}`);
    execFileSync('go', [...args, '.'], {
      cwd: src,
      env: { ...env, GOOS: b.goos ?? 'linux', GOARCH: b.goarch ?? 'amd64' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
  return { src, out };
}

/** One module line of `go version -m`: `mod`/`dep` with an optional `=>` replacement. */
export interface GoVersionModule {
  kind: 'mod' | 'dep';
  path: string;
  version: string;
  replace?: { path: string; version: string };
}

/** What the real `go version -m` prints for a binary: its Go version and module lines. */
export function goVersionM(file: string): { goVersion: string; modules: GoVersionModule[] } {
  const text = execFileSync('go', ['version', '-m', file], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local' },
  });
  const lines = text.split('\n');
  const goVersion = lines[0]!.slice(lines[0]!.lastIndexOf(': ') + 2).trim();
  const modules: GoVersionModule[] = [];
  for (const line of lines.slice(1)) {
    const f = line.replace(/^\t/, '').split('\t');
    if (f[0] === 'mod' || f[0] === 'dep') modules.push({ kind: f[0], path: f[1]!, version: f[2] ?? '' });
    else if (f[0] === '=>' && modules.length) modules.at(-1)!.replace = { path: f[1]!, version: f[2] ?? '' };
  }
  return { goVersion, modules };
}
