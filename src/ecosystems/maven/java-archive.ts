import { crc32 } from 'node:zlib';
import { PackageURL } from 'packageurl-js';
import yauzl from 'yauzl';
import type { Component } from '../../core/component.js';
import { type JarManifest, parseManifest, parseProperties } from './jar-text.js';
import { knownGroup } from './known-groups.js';

/**
 * Java archives (jar, war, ear, Jenkins hpi/jpi, NiFi nar…: all zip files) and the Maven artifacts
 * they carry, archives nested in archives included (a Spring Boot jar's `BOOT-INF/lib/*.jar`, a WAR's
 * `WEB-INF/lib/*.jar`, an EAR's modules). Nothing is ever extracted: entries are inflated in memory,
 * within the bounds of `ArchiveLimits`, and only the entries that matter (the manifest, pom.properties
 * files, nested archives) are inflated at all.
 *
 * What an archive is, in this order:
 * 1. every `META-INF/maven/<groupId>/<artifactId>/pom.properties` in it is one component (a shaded
 *    jar holds several); groupId/artifactId missing from the file are taken from its path; when none
 *    of them is the archive's own (see archiveComponents) and its file name has a version, the
 *    archive is one more component, as in 2;
 * 2. with none, its manifest and file name, one component:
 *    - a Jenkins plugin (hpi/jpi) names itself: `Group-Id`, `Short-Name`, `Plugin-Version`;
 *    - artifactId: from the path of its one `META-INF/maven/<g>/<a>/pom.xml` if it has exactly one,
 *      else the file name without its version (`commons-io-2.11.0.jar` → `commons-io`);
 *    - version: the file name's (Maven and Gradle name the files they copy `<artifactId>-<version>`,
 *      while manifests carry build versions, `1.9.10-release-459`, and OSGi qualifiers), else
 *      `Implementation-Version`, `Bundle-Version`, `Specification-Version` (first word only:
 *      `1.3 2244 October 5 2005` → `1.3`);
 *    - groupId: the pom.xml path's; else that of a known Gradle-built family the manifest confirms
 *      (known-groups.ts: Spring, Kotlin); else `Implementation-Vendor-Id` when it has a dot (Maven's
 *      archiver writes the groupId there); else from a `Bundle-SymbolicName` ending in `.<artifactId>`
 *      (maven-bundle-plugin's default): the part before it (`com.fasterxml.jackson.core.jackson-core`),
 *      or the whole name when that part has no dot (`org.opentest4j`). An sbt/Ivy-style file name
 *      `<groupId>.<artifactId>-<version>.jar` loses its groupId part;
 *    - else no groupId: the component is named by its artifactId alone, with the hand-written purl
 *      `pkg:maven/<artifactId>@<version>` (the purl spec wants a namespace), a weaker identification
 *      that no OSV Maven advisory (always `groupId:artifactId`) can match.
 *    On the 106 manifest-only artifacts of a real ~/.m2 these rules found the right version for 105
 *    and a groupId for about half, right in about 60% of those. No version anywhere: no component.
 *
 * Licenses come from the manifest's `Bundle-License`, given to the manifest-derived component or to
 * the archive's own pom.properties (the only one, or the one whose artifactId the file name or
 * Bundle-SymbolicName names).
 *
 * A nested archive's components have `path` = the outer path, `!/`, and the entry's path inside it,
 * as in Java's `jar:` URLs: `app/app.jar!/BOOT-INF/lib/x.jar`, `a.ear!/web.war!/WEB-INF/lib/y.jar`.
 */

export interface ArchiveLimits {
  /** archives nested below the top one that are opened: an EAR's WAR's jar is depth 2 */
  maxDepth: number;
  /** entries listed per archive; the rest are not looked at */
  maxEntries: number;
  /** bytes inflated in all, per top-level archive (nested archives and metadata) */
  maxTotalInflated: number;
  /** inflated size of one nested archive */
  maxNestedArchive: number;
  /** inflated size of one MANIFEST.MF or pom.properties */
  maxMetadata: number;
  /** an entry inflating to more than 1 MiB may be at most this many times its compressed size */
  maxRatio: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxDepth: 4,
  maxEntries: 100_000,
  maxTotalInflated: 512 * 1024 * 1024,
  maxNestedArchive: 256 * 1024 * 1024,
  maxMetadata: 4 * 1024 * 1024,
  maxRatio: 100,
};

/** below this, any compression ratio is fine (a small text file of spaces) */
const RATIO_FLOOR = 1024 * 1024;
/** problems kept per top-level archive */
const MAX_PROBLEMS = 50;

/** File name endings of the zip-based Java archives (lower case). */
export const JAVA_ARCHIVE_EXTENSIONS: readonly string[] = [
  '.jar',
  '.war',
  '.ear',
  '.jpi',
  '.hpi',
  '.par',
  '.sar',
  '.nar',
  '.kar',
  '.rar',
];
const EXTENSIONS = new Set(JAVA_ARCHIVE_EXTENSIONS);

/** Whether a path names a Java archive by its extension (case-insensitive). */
export function isJavaArchiveName(path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || path.length - dot !== 4) return false;
  return EXTENSIONS.has(path.slice(dot).toLowerCase());
}

/** A zip's first bytes: a local file header, or the end record of an empty zip. */
export function looksLikeZip(content: Buffer): boolean {
  return (
    content.length >= 4 &&
    content[0] === 0x50 &&
    content[1] === 0x4b &&
    ((content[2] === 3 && content[3] === 4) || (content[2] === 5 && content[3] === 6))
  );
}

/**
 * Bytes before the zip proper, when its offsets count from after them (a launch script put in front
 * with `cat`, which Java's own zip reader tolerates): the end record's position minus the central
 * directory's size and recorded offset. 0 for a plain zip, a zip64 one, or no end record (yauzl
 * then says what is wrong).
 */
export function prependedBytes(content: Buffer): number {
  const lowest = Math.max(0, content.length - 22 - 0xffff);
  for (let i = content.length - 22; i >= lowest; i--) {
    if (content.readUInt32LE(i) !== 0x06054b50) continue;
    const size = content.readUInt32LE(i + 12);
    const offset = content.readUInt32LE(i + 16);
    if (offset === 0xffffffff || size === 0xffffffff) return 0;
    // a zip64 end record and locator sit between the directory and the end record
    if (i >= 20 && content.readUInt32LE(i - 20) === 0x07064b50) return 0;
    return Math.max(i - size - offset, 0);
  }
  return 0;
}

export interface ArchiveScan {
  components: Component[];
  problems: string[];
}

interface Budget {
  limits: ArchiveLimits;
  inflated: number;
  exhausted: boolean;
  problems: string[];
  dropped: number;
}

function problem(b: Budget, message: string): void {
  if (b.problems.length < MAX_PROBLEMS) b.problems.push(message);
  else b.dropped++;
}

class EntryError extends Error {}

/**
 * Inflates one entry, never past `cap` bytes nor `maxRatio`, checking its CRC-32. A stored entry (as
 * Spring Boot stores its nested jars) is a view into `content`, not a copy.
 */
async function inflate(
  zip: yauzl.ZipFile,
  content: Buffer,
  entry: yauzl.Entry,
  cap: number,
  b: Budget,
): Promise<Buffer> {
  if (entry.isEncrypted()) throw new EntryError('encrypted');
  const declared = entry.uncompressedSize;
  const ratioCap = Math.max(RATIO_FLOOR, entry.compressedSize * b.limits.maxRatio);
  if (declared > cap) throw new EntryError(`${declared} bytes inflated is over the limit of ${cap}`);
  if (declared > ratioCap)
    throw new EntryError(
      `compression ratio over ${b.limits.maxRatio} (${entry.compressedSize} → ${declared} bytes)`,
    );
  if (entry.compressionMethod === 0 && entry.compressedSize === declared) {
    // yauzl checks the local header and that the data lies inside the buffer
    const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
    b.inflated += declared;
    if (b.inflated > b.limits.maxTotalInflated) {
      b.exhausted = true;
      throw new EntryError(`more than ${b.limits.maxTotalInflated} bytes inflated in all`);
    }
    const data = content.subarray(fileDataStart, fileDataStart + declared);
    if (data.length !== declared) throw new EntryError('entry data past the end of the archive');
    if (crc32(data) !== entry.crc32) throw new EntryError('CRC-32 mismatch');
    return data;
  }
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      b.inflated += chunk.length;
      // declared sizes are not trusted: count what actually comes out
      if (size > cap) throw new EntryError(`inflates to more than ${cap} bytes (declared ${declared})`);
      if (size > ratioCap)
        throw new EntryError(`compression ratio over ${b.limits.maxRatio} (declared ${declared} bytes)`);
      if (b.inflated > b.limits.maxTotalInflated) {
        b.exhausted = true;
        throw new EntryError(`more than ${b.limits.maxTotalInflated} bytes inflated in all`);
      }
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  const data = Buffer.concat(chunks);
  if (crc32(data) !== entry.crc32) throw new EntryError('CRC-32 mismatch');
  return data;
}

/** `META-INF/maven/<g>/<a>/<file>` → [g, a], else undefined. */
function mavenMetaPath(name: string, file: '/pom.properties' | '/pom.xml'): [string, string] | undefined {
  if (!name.startsWith('META-INF/maven/') || !name.endsWith(file)) return undefined;
  const parts = name.split('/');
  return parts.length === 5 && parts[2] && parts[3] ? [parts[2], parts[3]] : undefined;
}

/** `commons-io-2.11.0.jar` → { artifact: commons-io, version: 2.11.0 }: the version starts at the first `-<digit>`. */
export function splitArchiveName(fileName: string): { artifact: string; version?: string } {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  for (let i = 1; i < stem.length - 1; i++) {
    const c = stem.charCodeAt(i + 1);
    if (stem[i] === '-' && c >= 48 && c <= 57)
      return { artifact: stem.slice(0, i), version: stem.slice(i + 1) };
  }
  return { artifact: stem };
}

/** `Bundle-License: Apache-2.0;link="…", MIT` → [Apache-2.0, MIT] (top-level commas, attributes dropped). */
export function bundleLicenses(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    if (i < value.length && (quoted || c !== ',')) continue;
    const clause = value.slice(start, i);
    start = i + 1;
    const semi = clause.indexOf(';');
    const name = (semi < 0 ? clause : clause.slice(0, semi)).trim().replace(/^"|"$/g, '');
    if (name && name !== '<<EXTERNAL>>' && !out.includes(name)) out.push(name);
  }
  return out;
}

/** The value of an attribute in the main section, else the first `Name:` section that has it. */
function attribute(m: JarManifest | undefined, key: string): string | undefined {
  if (!m) return undefined;
  const v = m.main.get(key) ?? m.sections.find((s) => s.has(key))?.get(key);
  const t = v?.trim();
  return t ? t : undefined;
}

function symbolicName(m: JarManifest | undefined): string | undefined {
  const v = attribute(m, 'Bundle-SymbolicName');
  return v?.split(';')[0]?.trim() || undefined;
}

function mavenComponent(
  group: string,
  artifact: string,
  version: string,
  licenses: string[],
): Component | undefined {
  let purl: string;
  try {
    // the purl spec requires a Maven namespace: without a known groupId the purl is written by hand,
    // `pkg:maven/<artifactId>@<version>` (packageurl-js refuses to build it, and so would a strict reader)
    purl = group
      ? new PackageURL('maven', group, artifact, version, undefined, undefined).toString()
      : `pkg:maven/${encodeURIComponent(artifact)}@${encodeURIComponent(version)}`;
  } catch {
    return undefined;
  }
  const c: Component = { name: group ? `${group}:${artifact}` : artifact, version, type: 'maven', purl };
  if (licenses.length > 0) c.licenses = licenses;
  return c;
}

/**
 * The component one pom.properties file describes (groupId/artifactId from its path
 * `…/META-INF/maven/<g>/<a>/pom.properties` when the file lacks them); undefined without a version.
 */
export function pomPropertiesComponent(path: string, text: string): Component | undefined {
  const i = path.lastIndexOf('META-INF/maven/');
  const where = i < 0 ? undefined : mavenMetaPath(path.slice(i), '/pom.properties');
  return archiveComponents(path, undefined, [{ path: where ?? ['', ''], props: parseProperties(text) }])[0];
}

/** Whether a metadata value can be a coordinate (not empty, no unresolved `${…}`, no white space). */
const usable = (v: string | undefined): v is string => !!v && !v.includes('${') && !/\s/.test(v);

/** The components an archive's metadata describes (see the module comment for the rules). */
export function archiveComponents(
  fileName: string,
  manifest: JarManifest | undefined,
  poms: { path: [string, string]; props: Map<string, string> }[],
  pomXmls: [string, string][] = [],
): Component[] {
  const licenses = bundleLicenses(attribute(manifest, 'Bundle-License'));
  const fromName = splitArchiveName(fileName);
  const bsn = symbolicName(manifest);
  const found = poms.flatMap(({ path, props }) => {
    const group = props.get('groupId')?.trim() || path[0];
    const artifact = props.get('artifactId')?.trim() || path[1];
    const version = props.get('version')?.trim();
    return usable(group) && usable(artifact) && usable(version) ? [{ group, artifact, version }] : [];
  });
  if (found.length === 0) {
    const c = manifestComponent(fromName, manifest, bsn, pomXmls, licenses);
    return c ? [c] : [];
  }
  // the archive's own pom.properties: the one its file name or symbolic name names, or carrying the
  // file name's version; the only one when the file name has no version (`app.jar`)
  let own = found.find(
    (f) =>
      f.artifact === fromName.artifact ||
      f.version === fromName.version ||
      (bsn !== undefined && (bsn === f.artifact || bsn.endsWith(`.${f.artifact}`))),
  );
  if (!own && found.length === 1 && fromName.version === undefined) own = found[0];
  const out: Component[] = [];
  // none is its own (a jar that embeds shaded dependencies' pom.properties but not its own): the
  // archive itself too, from its manifest and file name
  if (!own && fromName.version !== undefined) {
    const c = manifestComponent(fromName, manifest, bsn, [], licenses);
    if (c) out.push(c);
  }
  for (const f of found) {
    const c = mavenComponent(f.group, f.artifact, f.version, f === own ? licenses : []);
    if (c) out.push(c);
  }
  return out;
}

/** The one component an archive's manifest and file name describe (rule 2 of the module comment). */
function manifestComponent(
  fromName: { artifact: string; version?: string },
  manifest: JarManifest | undefined,
  bsn: string | undefined,
  pomXmls: [string, string][],
  licenses: string[],
): Component | undefined {
  // Jenkins plugins (hpi/jpi) name themselves in their manifest
  const shortName = attribute(manifest, 'Short-Name');
  const pluginVersion = attribute(manifest, 'Plugin-Version');
  if (usable(shortName) && usable(pluginVersion))
    return mavenComponent(attribute(manifest, 'Group-Id') ?? '', shortName, pluginVersion, licenses);
  const pomXml = pomXmls.length === 1 ? pomXmls[0] : undefined;
  let artifact = pomXml?.[1] ?? fromName.artifact;
  // the file name's version first: Maven and Gradle name the files they copy `<artifactId>-<version>`,
  // while manifests carry build versions (`1.9.10-release-459`) and OSGi qualifiers (`3.22.0.v2024…`)
  const version = [
    fromName.version,
    attribute(manifest, 'Implementation-Version'),
    attribute(manifest, 'Bundle-Version'),
    attribute(manifest, 'Specification-Version'),
  ]
    .map((v) => v?.split(/\s/)[0])
    .find(usable);
  if (!usable(artifact) || !version) return undefined;
  // a one-part Implementation-Vendor-Id (`org`) is no groupId
  const vendorId = attribute(manifest, 'Implementation-Vendor-Id');
  let group =
    pomXml?.[0] ??
    knownGroup(artifact, (k) => attribute(manifest, k)) ??
    (usable(vendorId) && vendorId.includes('.') ? vendorId : '');
  if (group && artifact.startsWith(`${group}.`)) artifact = artifact.slice(group.length + 1);
  if (!group && bsn?.endsWith(`.${artifact}`)) {
    // maven-bundle-plugin's default symbolic name is `<groupId>.<artifactId>`, or the groupId alone
    // when the artifactId is its last part (`org.opentest4j` for org.opentest4j:opentest4j)
    const prefix = bsn.slice(0, -artifact.length - 1);
    group = prefix.includes('.') ? prefix : bsn;
  }
  return mavenComponent(group, artifact, version, licenses);
}

/**
 * Reads one archive (and, recursively, the archives in it). `display` is its path (`a.ear!/b.war`),
 * which the components of a nested archive get; the top-level archive's are left without one
 * (coalesce fills in its file path).
 */
async function readArchive(
  content: Buffer,
  fileName: string,
  display: string,
  depth: number,
  b: Budget,
): Promise<Component[]> {
  const label = depth === 0 ? 'unreadable archive' : `unreadable archive ${display}`;
  const prefix = prependedBytes(content);
  if (prefix > 0) content = content.subarray(prefix);
  let zip: yauzl.ZipFile;
  try {
    // names are decoded below, not by yauzl, which would end the listing at the first `../` name
    zip = await yauzl.fromBufferPromise(content, {
      decodeStrings: false,
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
    });
  } catch (e) {
    problem(b, `${label}: ${(e as Error).message}`);
    return [];
  }
  let manifest: JarManifest | undefined;
  const poms: { path: [string, string]; props: Map<string, string> }[] = [];
  const pomXmls: [string, string][] = [];
  const nested: Component[] = [];
  let entries = 0;
  try {
    const it = zip.eachEntry();
    for (;;) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await it.next();
      } catch (e) {
        problem(b, `${label}: ${(e as Error).message} (entries after ${entries} not read)`);
        break;
      }
      if (next.done) break;
      const entry = next.value;
      if (++entries > b.limits.maxEntries) {
        problem(b, `${label}: more than ${b.limits.maxEntries} entries (the rest not read)`);
        break;
      }
      const name = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        false,
      );
      if (name.endsWith('/')) continue;
      const pomPath = mavenMetaPath(name, '/pom.properties');
      const pomXml = pomPath ? undefined : mavenMetaPath(name, '/pom.xml');
      if (pomXml) {
        // its path is enough (groupId/artifactId when there is no pom.properties): never inflated
        pomXmls.push(pomXml);
        continue;
      }
      const isManifest = name === 'META-INF/MANIFEST.MF';
      const isArchive = !pomPath && !isManifest && isJavaArchiveName(name);
      if (!pomPath && !isManifest && !isArchive) continue;
      const inner = `${display}!/${name}`;
      if (isArchive && depth >= b.limits.maxDepth) {
        problem(b, `${inner}: not read, nested more than ${b.limits.maxDepth} archives deep`);
        continue;
      }
      if (b.exhausted) {
        problem(b, `${inner}: not read, more than ${b.limits.maxTotalInflated} bytes inflated in all`);
        break;
      }
      let data: Buffer;
      try {
        data = await inflate(
          zip,
          content,
          entry,
          isArchive ? b.limits.maxNestedArchive : b.limits.maxMetadata,
          b,
        );
      } catch (e) {
        problem(b, `unreadable ${isArchive ? 'archive ' : ''}${inner}: ${(e as Error).message}`);
        continue;
      }
      if (isManifest) manifest = parseManifest(data.toString('utf8'));
      else if (pomPath) poms.push({ path: pomPath, props: parseProperties(data.toString('latin1')) });
      else if (!name.toLowerCase().endsWith('.rar') || looksLikeZip(data)) {
        nested.push(...(await readArchive(data, name, inner, depth + 1, b)));
      }
    }
  } finally {
    zip.close();
  }
  const own = archiveComponents(fileName, manifest, poms, pomXmls);
  if (depth > 0) for (const c of own) c.path = display;
  return [...own, ...nested];
}

/**
 * The Maven components of an archive file at `path` (its path in the image), nested archives
 * included; never throws: whatever could not be read is a problem, the rest is kept.
 */
export async function scanJavaArchive(
  content: Buffer,
  path: string,
  limits: ArchiveLimits = DEFAULT_LIMITS,
): Promise<ArchiveScan> {
  const b: Budget = { limits, inflated: 0, exhausted: false, problems: [], dropped: 0 };
  let components: Component[] = [];
  try {
    components = await readArchive(content, path, path, 0, b);
  } catch (e) {
    problem(b, `unreadable archive: ${(e as Error).message}`);
  }
  if (b.dropped > 0) b.problems.push(`… and ${b.dropped} more problems`);
  return { components, problems: b.problems };
}
