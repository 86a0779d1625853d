import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { z } from 'zod';
import type { Component, Problem } from '../core/component.js';
import { BadInputError } from '../core/errors.js';
import type { OsInfo } from '../core/os.js';
import { componentFromPurl } from './purl-component.js';

/** Largest SBOM document read (bytes); larger ones are refused before reading. */
export const MAX_SBOM_BYTES = 256 * 1024 * 1024;
/** Deepest nesting of CycloneDX `components` followed. */
const MAX_NESTING = 64;

/** What an SBOM says about its subject: enough to match it like a scanned image's index. */
export interface SbomIndex {
  format: 'cyclonedx' | 'spdx';
  /** `CycloneDX 1.6`, `SPDX-2.3` */
  specVersion: string;
  /** `sha256:` + hex SHA-256 of the document bytes */
  documentId: string;
  /** the subject's name: CycloneDX metadata.component, else the SPDX described package or document name */
  name: string;
  /** document creation time, when it says */
  created?: string;
  os?: OsInfo;
  components: Component[];
  /** entries that were skipped (no purl, bad purl), with what was wrong */
  problems: Problem[];
}

const cdxLicense = z.object({
  license: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
  expression: z.string().optional(),
});
const cdxProperty = z.object({ name: z.string(), value: z.string().optional() });
interface CdxComponent {
  type: string;
  name: string;
  version?: string;
  purl?: string;
  licenses?: z.infer<typeof cdxLicense>[];
  properties?: z.infer<typeof cdxProperty>[];
  components?: CdxComponent[];
}
const cdxComponent: z.ZodType<CdxComponent> = z.lazy(() =>
  z.object({
    type: z.string(),
    name: z.string(),
    version: z.string().optional(),
    purl: z.string().optional(),
    licenses: z.array(cdxLicense).optional(),
    properties: z.array(cdxProperty).optional(),
    components: z.array(cdxComponent).optional(),
  }),
);
/** CycloneDX JSON (https://cyclonedx.org/docs/1.6/json/), the parts read. */
const cycloneDx = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.enum(['1.4', '1.5', '1.6']),
  metadata: z.object({ timestamp: z.string().optional(), component: cdxComponent.optional() }).optional(),
  components: z.array(cdxComponent).optional(),
});

/** SPDX 2.2/2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/), the parts read. */
const spdx = z.object({
  spdxVersion: z.enum(['SPDX-2.2', 'SPDX-2.3']),
  SPDXID: z.string(),
  name: z.string(),
  creationInfo: z.object({ created: z.string().optional() }).optional(),
  documentDescribes: z.array(z.string()).optional(),
  packages: z
    .array(
      z.object({
        SPDXID: z.string(),
        name: z.string(),
        versionInfo: z.string().optional(),
        primaryPackagePurpose: z.string().optional(),
        licenseDeclared: z.string().optional(),
        externalRefs: z
          .array(
            z.object({
              referenceCategory: z.string(),
              referenceType: z.string(),
              referenceLocator: z.string(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  hasExtractedLicensingInfos: z
    .array(
      z.object({ licenseId: z.string(), name: z.string().optional(), extractedText: z.string().optional() }),
    )
    .optional(),
  relationships: z
    .array(
      z.object({ spdxElementId: z.string(), relationshipType: z.string(), relatedSpdxElement: z.string() }),
    )
    .optional(),
});

function schemaError(file: string, error: z.ZodError): BadInputError {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'document';
  return new BadInputError(file, `not a valid SBOM: ${where}: ${issue?.message ?? 'wrong shape'}`);
}

/** Reads an SBOM file (CycloneDX 1.4–1.6 or SPDX 2.2/2.3 JSON); anything else is a BadInputError naming `file`. */
export async function readSbom(file: string, maxBytes = MAX_SBOM_BYTES): Promise<SbomIndex> {
  let bytes: Buffer;
  try {
    const fh = await open(file, 'r');
    try {
      const size = (await fh.stat()).size;
      if (size > maxBytes)
        throw new BadInputError(file, `SBOM is ${size} bytes, more than the ${maxBytes} allowed`);
      bytes = await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof BadInputError) throw e;
    throw new BadInputError(file, `cannot read: ${(e as Error).message}`, { cause: e });
  }
  if (bytes.length > maxBytes)
    throw new BadInputError(file, `SBOM is more than the ${maxBytes} bytes allowed`);
  return parseSbom(file, bytes);
}

/** Parses SBOM bytes; see readSbom. */
export function parseSbom(file: string, bytes: Buffer): SbomIndex {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new BadInputError(file, `not JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const documentId = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new BadInputError(file, 'not an SBOM: the document is not a JSON object');
  const o = doc as Record<string, unknown>;
  try {
    if (o.bomFormat !== undefined) {
      const r = cycloneDx.safeParse(doc);
      if (!r.success) throw schemaError(file, r.error);
      return fromCycloneDx(file, r.data, documentId);
    }
    if (o.spdxVersion !== undefined) {
      const r = spdx.safeParse(doc);
      if (!r.success) throw schemaError(file, r.error);
      return fromSpdx(r.data, documentId);
    }
  } catch (e) {
    if (e instanceof BadInputError) throw e;
    // a document nested deeply enough to exhaust the stack while validating
    throw new BadInputError(file, `not a valid SBOM: ${(e as Error).message}`, { cause: e });
  }
  throw new BadInputError(file, 'not an SBOM: neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON');
}

function firstOs(candidates: (OsInfo | undefined)[]): OsInfo | undefined {
  return candidates.find((o) => o?.version) ?? candidates.find((o) => o);
}

function add(
  purl: string | undefined,
  label: string,
  licenses: string[],
  out: { components: Component[]; problems: Problem[]; purlOs: (OsInfo | undefined)[] },
): Component | undefined {
  if (!purl) {
    out.problems.push({ path: label, message: 'no purl; skipped' });
    return undefined;
  }
  try {
    const { component, os } = componentFromPurl(purl);
    if (licenses.length) component.licenses = licenses;
    out.components.push(component);
    out.purlOs.push(os);
    return component;
  } catch (e) {
    out.problems.push({ path: label, message: `bad purl: ${(e as Error).message}` });
    return undefined;
  }
}

function fromCycloneDx(file: string, bom: z.infer<typeof cycloneDx>, documentId: string): SbomIndex {
  const out = {
    components: [] as Component[],
    problems: [] as Problem[],
    purlOs: [] as (OsInfo | undefined)[],
  };
  const osComponents: OsInfo[] = [];
  const stack: { c: CdxComponent; depth: number }[] = [];
  const subject = bom.metadata?.component;
  for (const c of subject?.components ?? []) stack.push({ c, depth: 1 });
  for (const c of bom.components ?? []) stack.push({ c, depth: 1 });
  stack.reverse();
  while (stack.length) {
    const { c, depth } = stack.pop()!;
    if (c.type === 'operating-system') {
      osComponents.push({
        id: c.name.toLowerCase(),
        version: c.version ?? '',
        source: 'CycloneDX operating-system',
      });
    } else if (c.type === 'library' || c.type === 'application' || c.purl) {
      const licenses = (c.licenses ?? []).flatMap((l) => {
        const v = l.license?.id ?? l.license?.name ?? l.expression;
        return v ? [v] : [];
      });
      const comp = add(c.purl, `${c.name}@${c.version ?? ''}`, licenses, out);
      if (comp) {
        for (const p of c.properties ?? []) {
          if (p.name === 'hullscan:layer:diffID' && p.value) comp.layer = p.value;
          if (p.name === 'hullscan:package:path' && p.value) comp.path = p.value;
        }
      }
    }
    if (c.components?.length) {
      if (depth >= MAX_NESTING)
        throw new BadInputError(file, `components nested more than ${MAX_NESTING} deep`);
      for (const child of [...c.components].reverse()) stack.push({ c: child, depth: depth + 1 });
    }
  }
  return {
    format: 'cyclonedx',
    specVersion: `CycloneDX ${bom.specVersion}`,
    documentId,
    name: subject
      ? subject.version && !subject.name.includes(':')
        ? `${subject.name}:${subject.version}`
        : subject.name
      : '',
    created: bom.metadata?.timestamp,
    os: firstOs([...osComponents, ...out.purlOs]),
    components: out.components,
    problems: out.problems,
  };
}

function fromSpdx(doc: z.infer<typeof spdx>, documentId: string): SbomIndex {
  const out = {
    components: [] as Component[],
    problems: [] as Problem[],
    purlOs: [] as (OsInfo | undefined)[],
  };
  const osPackages: OsInfo[] = [];
  const refNames = new Map(
    (doc.hasExtractedLicensingInfos ?? []).map((l) => [l.licenseId, l.name ?? l.licenseId]),
  );
  const described = new Set([
    ...(doc.documentDescribes ?? []),
    ...(doc.relationships ?? [])
      .filter((r) => r.spdxElementId === doc.SPDXID && r.relationshipType === 'DESCRIBES')
      .map((r) => r.relatedSpdxElement),
  ]);
  let subject = '';
  for (const p of doc.packages ?? []) {
    if (p.primaryPackagePurpose === 'OPERATING-SYSTEM') {
      osPackages.push({
        id: p.name.toLowerCase(),
        version: p.versionInfo ?? '',
        source: 'SPDX OPERATING-SYSTEM',
      });
      continue;
    }
    const purl = p.externalRefs?.find((r) => r.referenceType === 'purl')?.referenceLocator;
    if (described.has(p.SPDXID) && !purl) {
      subject ||= p.name;
      continue;
    }
    const declared = p.licenseDeclared;
    const licenses =
      declared && declared !== 'NOASSERTION' && declared !== 'NONE'
        ? declared.split(' AND ').map((l) => refNames.get(l.trim()) ?? l.trim())
        : [];
    add(purl, p.SPDXID, licenses, out);
  }
  return {
    format: 'spdx',
    specVersion: doc.spdxVersion,
    documentId,
    name: subject || doc.name,
    created: doc.creationInfo?.created,
    os: firstOs([...osPackages, ...out.purlOs]),
    components: out.components,
    problems: out.problems,
  };
}
