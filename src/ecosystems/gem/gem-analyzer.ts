import { PackageURL } from 'packageurl-js';
import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import type { Component } from '../../core/component.js';
import { parseGemfileLock } from './gemfile-lock.js';
import { parseGemspec } from './gemspec.js';

/** `pkg:gem/rack@3.0.8`, `pkg:gem/nokogiri@1.15.4?platform=x86_64-linux` (purl-spec gem type). */
export function gemPurl(name: string, version: string, platform?: string): string {
  return new PackageURL(
    'gem',
    undefined,
    name,
    version,
    platform ? { platform } : undefined,
    undefined,
  ).toString();
}

function hasNul(content: Buffer): boolean {
  return content.includes(0);
}

/**
 * Installed gems (`type: gem`) from their specifications: `<gem home>/specifications/*.gemspec` and
 * `…/specifications/default/*.gemspec` (/usr/local/bundle, /usr/lib/ruby/gems/3.x, /var/lib/gems/3.x,
 * vendor/bundle/ruby/3.x…). A gem's own source gemspec (`gems/rack-3.0.8/rack.gemspec`) is not one.
 */
export const gemspecAnalyzer: Analyzer = {
  name: 'gem-installed',
  version: 1,
  maxFileSize: 8 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    const p = info.path;
    if (!p.endsWith('.gemspec')) return false;
    const slash = p.lastIndexOf('/');
    const dir = p.slice(0, slash + 1);
    return (
      dir.endsWith('/specifications/') ||
      dir.endsWith('/specifications/default/') ||
      dir === 'specifications/' ||
      dir === 'specifications/default/'
    );
  },
  analyze(file: AnalyzerFile): FileFindings {
    if (hasNul(file.content)) return { problems: ['binary content (NUL bytes): not a gem specification'] };
    const spec = parseGemspec(file.content.toString('utf8'));
    if ('problem' in spec) return { problems: [spec.problem] };
    const c: Component = {
      name: spec.name,
      version: spec.version,
      type: 'gem',
      purl: gemPurl(spec.name, spec.version, spec.platform),
    };
    if (spec.licenses.length) c.licenses = spec.licenses;
    return { components: [c] };
  },
};

/** an installed gem's unpacked source (`gems/rack-3.0.8/`, `bundler/gems/rails-0123abc/`): its lockfile is its own */
const INSIDE_GEM = /(?:^|\/)(?:gems\/[A-Za-z0-9._-]+-\d[^/]*|bundler\/gems\/[^/]+)\//;

/** Gems a Bundler lockfile pins (`lockfile: true`); an entry goes when the same gem is installed. */
export const gemfileLockAnalyzer: Analyzer = {
  name: 'gem-lockfile',
  version: 1,
  maxFileSize: 16 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    const p = info.path;
    if (!(p.endsWith('Gemfile.lock') || p.endsWith('gems.locked'))) return false;
    const base = p.slice(p.lastIndexOf('/') + 1);
    return (base === 'Gemfile.lock' || base === 'gems.locked') && !INSIDE_GEM.test(p);
  },
  analyze(file: AnalyzerFile): FileFindings {
    if (hasNul(file.content)) return { problems: ['binary content (NUL bytes): not a Gemfile.lock'] };
    const { gems, problems } = parseGemfileLock(file.content.toString('utf8'));
    const components: Component[] = gems.map((g) => ({
      name: g.name,
      version: g.version,
      type: 'gem',
      purl: gemPurl(g.name, g.version, g.platform),
      lockfile: true,
    }));
    const findings: FileFindings = { components };
    if (problems.length) findings.problems = problems;
    return findings;
  },
};
