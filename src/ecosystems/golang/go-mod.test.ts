import { describe, expect, it } from 'vitest';
import { goPurl } from './go-binary-analyzer.js';
import { parseGoMod } from './go-mod.js';
import { golangModAnalyzer } from './go-mod-analyzer.js';

const GO_MOD = `// a comment
module "example.com/svc"

go 1.21

toolchain go1.21.5

require github.com/single/dep v1.0.0

require (
	github.com/direct/a v1.2.3
	github.com/indirect/b v0.4.0 // indirect
	github.com/comment/c v2.0.0+incompatible // not indirect: a note
	golang.org/x/text v0.3.7 // indirect; reason
	example.com/replaced v1.0.0
	example.com/pinned v1.1.0
	example.com/dirrepl v0.2.0
)

exclude github.com/direct/a v1.2.2

retract (
	v0.9.0 // broken
)

replace example.com/replaced => example.com/fork v1.0.5

replace (
	example.com/pinned v1.0.0 => example.com/never v9.9.9 // other version: not applied
	example.com/dirrepl => ./local/dirrepl
)
`;

describe('go.mod', () => {
  it('parses require (single and block), // indirect, replace; ignores exclude and retract', () => {
    const m = parseGoMod(GO_MOD);
    expect(m.module).toBe('example.com/svc');
    expect(m.go).toBe('1.21');
    expect(m.problems).toEqual([]);
    expect(m.require.map((r) => `${r.path}@${r.version}${r.indirect ? ' indirect' : ''}`)).toEqual([
      'github.com/single/dep@v1.0.0',
      'github.com/direct/a@v1.2.3',
      'github.com/indirect/b@v0.4.0 indirect',
      'github.com/comment/c@v2.0.0+incompatible',
      'golang.org/x/text@v0.3.7 indirect',
      'example.com/replaced@v1.0.0',
      'example.com/pinned@v1.1.0',
      'example.com/dirrepl@v0.2.0',
    ]);
    expect(m.replace).toEqual([
      { path: 'example.com/replaced', newPath: 'example.com/fork', newVersion: 'v1.0.5' },
      { path: 'example.com/pinned', version: 'v1.0.0', newPath: 'example.com/never', newVersion: 'v9.9.9' },
      { path: 'example.com/dirrepl', newPath: './local/dirrepl' },
    ]);
  });

  it('gives lockfile components with replacements applied', () => {
    const content = Buffer.from(GO_MOD);
    const f = golangModAnalyzer.analyze(
      { info: { path: 'src/svc/go.mod', size: content.length, mode: 0o644, uid: 0, gid: 0 }, content },
      { layer: 'l' },
    );
    const comps = (f as { components: { name: string; version: string; lockfile?: true; purl?: string }[] })
      .components;
    expect(comps.map((c) => `${c.name}@${c.version}`)).toEqual([
      'github.com/single/dep@v1.0.0',
      'github.com/direct/a@v1.2.3',
      'github.com/indirect/b@v0.4.0',
      'github.com/comment/c@v2.0.0+incompatible',
      'golang.org/x/text@v0.3.7',
      'example.com/fork@v1.0.5',
      'example.com/pinned@v1.1.0',
      'example.com/dirrepl@v0.2.0',
    ]);
    expect(comps.every((c) => c.lockfile === true)).toBe(true);
    expect(comps[3]!.purl).toBe('pkg:golang/github.com/comment/c@v2.0.0+incompatible');
  });

  it('wants project go.mod files, not the module cache or vendor trees', () => {
    const w = (path: string) => golangModAnalyzer.wants({ path, size: 100, mode: 0o644, uid: 0, gid: 0 });
    expect(w('go.mod')).toBe(true);
    expect(w('app/go.mod')).toBe(true);
    expect(w('root/go/pkg/mod/github.com/a/b@v1.0.0/go.mod')).toBe(false);
    expect(w('app/vendor/github.com/a/b/go.mod')).toBe(false);
    expect(w('usr/share/gocode/src/github.com/a/b/go.mod')).toBe(false);
    expect(w('app/go.modx')).toBe(false);
    expect(w('app/xgo.mod')).toBe(false);
  });

  it('reports bad lines and survives hostile text', () => {
    const m = parseGoMod('require (\n  onlyapath\n)\nreplace => x\nrequire "unterminated v1\n');
    expect(m.problems).toEqual(['line 2: bad require', 'line 4: bad replace', 'line 5: bad require']);
    // a v-version that is not semver: packageurl-js would throw; the purl is encoded by hand
    expect(goPurl('example.com/x', 'v1.2')).toBe('pkg:golang/example.com/x@v1.2');
    const f = golangModAnalyzer.analyze(
      { info: { path: 'go.mod', size: 4, mode: 0o644, uid: 0, gid: 0 }, content: Buffer.from('a\0b\n') },
      { layer: 'l' },
    );
    expect(f).toEqual({ problems: ['binary content (NUL bytes): not a go.mod file'] });
  });
});
