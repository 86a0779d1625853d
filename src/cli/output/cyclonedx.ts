import { randomUUID } from 'node:crypto';
import { byAdvisory, LEVEL_NAMES, type ScanReport, subjectName } from './report.js';

/**
 * A CycloneDX 1.6 JSON BOM (https://cyclonedx.org/docs/1.6/json/) of a scan: the image as
 * metadata.component, its OS as an operating-system component, each package as a library with its
 * purl, licenses (by name, as the package declares them), layer and path as `hullscan:` properties,
 * and one vulnerability per advisory with its rating and the components it affects.
 */
export function cycloneDxBom(r: ScanReport): object {
  const refs = new Map<string, string>();
  const components: object[] = [];
  if (r.os) {
    components.push({
      type: 'operating-system',
      'bom-ref': 'os',
      name: r.os.id,
      ...(r.os.version ? { version: r.os.version } : {}),
    });
  }
  r.components.forEach((c, i) => {
    const ref = c.purl && !refs.has(c.purl) ? c.purl : `component-${i}`;
    if (c.purl && !refs.has(c.purl)) refs.set(c.purl, ref);
    const properties = [
      ...(c.layer ? [{ name: 'hullscan:layer:diffID', value: c.layer }] : []),
      ...(c.path ? [{ name: 'hullscan:package:path', value: c.path }] : []),
    ];
    components.push({
      type: 'library',
      'bom-ref': ref,
      name: c.name,
      version: c.version,
      ...(c.purl ? { purl: c.purl } : {}),
      ...(c.licenses?.length ? { licenses: c.licenses.map((name) => ({ license: { name } })) } : {}),
      ...(properties.length ? { properties } : {}),
    });
  });
  const vulnerabilities = [...byAdvisory(r.vulnerabilities)].map(([id, rows]) => {
    const v = rows[0]!;
    const vector = v.cvss3Vector;
    const method = vector.startsWith('CVSS:3.1')
      ? 'CVSSv31'
      : vector.startsWith('CVSS:3.0')
        ? 'CVSSv3'
        : 'other';
    return {
      'bom-ref': `vulnerability-${id}`,
      id: v.cveId,
      source: { name: v.category },
      ratings: [
        {
          severity: LEVEL_NAMES[v.level] ?? 'unknown',
          ...(v.cvss3Score > 0 ? { score: v.cvss3Score } : {}),
          ...(vector ? { vector, method } : {}),
        },
      ],
      ...(v.description ? { description: v.description } : {}),
      ...(v.references.length ? { advisories: v.references.map((url) => ({ url })) } : {}),
      recommendation: rows.map((x) => x.officialSolution).join(' '),
      properties: [
        { name: 'hullscan:advisory', value: id },
        ...v.aliases.map((a) => ({ name: 'hullscan:alias', value: a })),
      ],
      affects: rows
        .filter((x) => refs.has(x.purl))
        .map((x) => ({
          ref: refs.get(x.purl)!,
          versions: [{ version: x.version, status: 'affected' }],
        })),
    };
  });
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: r.now.toISOString(),
      tools: { components: [{ type: 'application', name: 'hullscan', version: r.toolVersion }] },
      component: {
        type: 'container',
        'bom-ref': 'image',
        name: subjectName(r),
        properties: [
          { name: 'hullscan:image:id', value: r.detail.ImageID },
          ...(r.detail.Architecture
            ? [{ name: 'hullscan:image:architecture', value: r.detail.Architecture }]
            : []),
        ],
      },
    },
    components,
    ...(vulnerabilities.length ? { vulnerabilities } : {}),
  };
}
