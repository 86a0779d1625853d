import { randomUUID } from 'node:crypto';
import { type ScanReport, subjectName } from './report.js';

/** A license name usable in an SPDX license expression as is; others become `LicenseRef-` entries. */
const IDSTRING = /^[A-Za-z0-9.+-]+$/;

/**
 * An SPDX 2.3 JSON document (https://spdx.github.io/spdx-spec/v2.3/) of a scan: the image as the
 * described CONTAINER package, which CONTAINS the OPERATING-SYSTEM package and one package per
 * component with its purl as a PACKAGE-MANAGER externalRef and its licenses as licenseDeclared
 * (joined with AND; names that are not license ids become LicenseRef- with hasExtractedLicensingInfos).
 */
export function spdxDocument(r: ScanReport): object {
  const extracted = new Map<string, string>();
  const licenseRef = (name: string) => {
    if (IDSTRING.test(name) && !name.startsWith('LicenseRef-')) return name;
    const id = `LicenseRef-${name.replace(/[^A-Za-z0-9.-]+/g, '-')}`;
    let unique = id;
    for (let i = 2; extracted.has(unique) && extracted.get(unique) !== name; i++) unique = `${id}-${i}`;
    extracted.set(unique, name);
    return unique;
  };
  const image = {
    SPDXID: 'SPDXRef-Image',
    name: subjectName(r),
    versionInfo: r.detail.ImageID,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: 'CONTAINER',
  };
  const packages: object[] = [image];
  const contained: string[] = [];
  if (r.os) {
    packages.push({
      SPDXID: 'SPDXRef-OperatingSystem',
      name: r.os.id,
      ...(r.os.version ? { versionInfo: r.os.version } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'OPERATING-SYSTEM',
    });
    contained.push('SPDXRef-OperatingSystem');
  }
  r.components.forEach((c, i) => {
    const id = `SPDXRef-Package-${i + 1}`;
    contained.push(id);
    packages.push({
      SPDXID: id,
      name: c.name,
      versionInfo: c.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseDeclared: c.licenses?.length ? c.licenses.map(licenseRef).join(' AND ') : 'NOASSERTION',
      primaryPackagePurpose: 'LIBRARY',
      ...(c.purl
        ? {
            externalRefs: [
              { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: c.purl },
            ],
          }
        : {}),
    });
  });
  const name = subjectName(r);
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://hullscan.invalid/spdx/${encodeURIComponent(name)}-${randomUUID()}`,
    creationInfo: {
      created: `${r.now.toISOString().slice(0, 19)}Z`,
      creators: [`Tool: hullscan-${r.toolVersion}`],
    },
    documentDescribes: ['SPDXRef-Image'],
    packages,
    relationships: [
      {
        spdxElementId: 'SPDXRef-DOCUMENT',
        relationshipType: 'DESCRIBES',
        relatedSpdxElement: 'SPDXRef-Image',
      },
      ...contained.map((id) => ({
        spdxElementId: 'SPDXRef-Image',
        relationshipType: 'CONTAINS',
        relatedSpdxElement: id,
      })),
    ],
    ...(extracted.size
      ? {
          hasExtractedLicensingInfos: [...extracted].map(([licenseId, text]) => ({
            licenseId,
            name: text,
            extractedText: text,
          })),
        }
      : {}),
  };
}
