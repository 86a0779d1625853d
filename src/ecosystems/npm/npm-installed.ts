import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import { errorText, isNpmName, isObject, isVersionString, licensesOf, npmComponent } from './npm-common.js';

const NM = 'node_modules/';
const PJ = '/package.json';

/**
 * Whether `path` is the manifest at the root of an installed package: `…node_modules/<name>/package.json`
 * or `…node_modules/@scope/<name>/package.json`, at any depth (nested node_modules, pnpm's
 * `node_modules/.pnpm/x@1/node_modules/x`, global `usr/lib/node_modules`). Files deeper inside a
 * package (`node_modules/zod/v4/package.json`) are not package roots.
 */
export function isInstalledManifest(path: string): boolean {
  if (!path.endsWith(PJ)) return false;
  const i = path.lastIndexOf(NM);
  if (i < 0 || (i > 0 && path.charCodeAt(i - 1) !== 47) /* / */) return false;
  const rest = path.slice(i + NM.length, path.length - PJ.length);
  if (rest.length === 0 || rest.charCodeAt(0) === 46 /* . */) return false;
  const slash = rest.indexOf('/');
  if (slash < 0) return rest.charCodeAt(0) !== 64; // `node_modules/@scope` alone is no package
  return (
    rest.charCodeAt(0) === 64 /* @ */ &&
    slash > 1 &&
    slash < rest.length - 1 &&
    rest.indexOf('/', slash + 1) < 0 &&
    rest.charCodeAt(slash + 1) !== 46
  );
}

/** One installed package from its package.json; none when it names no package (name or version missing). */
export function parseInstalledManifest(text: string): FileFindings {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text); // npm strips a BOM too
  } catch (e) {
    return { problems: [`malformed package.json: ${errorText(e)}`] };
  }
  if (!isObject(doc)) return { problems: ['package.json is not a JSON object'] };
  const { name, version } = doc;
  if (typeof name !== 'string' || !isVersionString(version)) return {};
  if (!isNpmName(name))
    return { problems: [`package.json names no valid npm package: ${JSON.stringify(name.slice(0, 100))}`] };
  return { components: [npmComponent(name, version, { licenses: licensesOf(doc.license, doc.licenses) })] };
}

/**
 * Installed npm packages (`type: npm`) from the package.json at the root of each package under a
 * `node_modules` directory. The walker hands over regular files only: a workspace package that npm
 * links into node_modules (a symlink to `packages/x`) is the project's own code and is not reported
 * through the link; pnpm's links into `node_modules/.pnpm/…` are reported once, at the real place.
 */
export const npmInstalledAnalyzer: Analyzer = {
  name: 'npm-installed',
  version: 1,
  maxFileSize: 8 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    return isInstalledManifest(info.path);
  },
  analyze(file: AnalyzerFile): FileFindings | undefined {
    const f = parseInstalledManifest(file.content.toString('utf8'));
    return f.components || f.problems ? f : undefined;
  },
};
