import { byAdvisory, LEVEL_NAMES, type ScanReport, subjectName } from './report.js';

const SARIF_LEVEL = ['none', 'note', 'warning', 'error', 'error'] as const;

/**
 * A SARIF 2.1.0 log (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) of a scan's
 * vulnerabilities: one rule per advisory, one result per (advisory, component), level error for
 * critical and high, warning for medium, note for low; the location is the package database the
 * component was read from (or the image when unknown) with the purl as a logical location. Risks
 * (secrets, risky settings) are one rule per risk rule and a result per finding at its file (or the
 * image for config and build steps, the history entry named in the message); viruses one rule per
 * signature name and a result per flagged file. Secrets appear only masked.
 */
export function sarifLog(r: ScanReport): object {
  const paths = new Map(r.components.filter((c) => c.purl).map((c) => [c.purl!, c.path ?? '']));
  const rules: object[] = [];
  const results: object[] = [];
  for (const [id, rows] of byAdvisory(r.vulnerabilities)) {
    const v = rows[0]!;
    const ruleIndex = rules.length;
    rules.push({
      id,
      name: v.cveId,
      shortDescription: { text: v.name || id },
      fullDescription: { text: v.description || v.name || id },
      ...(v.references[0] ? { helpUri: v.references[0] } : {}),
      help: { text: v.officialSolution },
      defaultConfiguration: { level: SARIF_LEVEL[v.level] ?? 'warning' },
      properties: {
        tags: ['vulnerability', 'security', LEVEL_NAMES[v.level] ?? 'unknown'],
        ...(v.cvss3Score > 0 ? { 'security-severity': v.cvss3Score.toFixed(1) } : {}),
      },
    });
    for (const row of rows) {
      const uri = paths.get(row.purl) || subjectName(r);
      results.push({
        ruleId: id,
        ruleIndex,
        level: SARIF_LEVEL[row.level] ?? 'warning',
        message: {
          text: `${row.cveId}: ${row.component} ${row.version} (${row.fixedVersions.length ? `fixed in ${row.fixedVersions.join(', ')}` : 'no fix yet'})`,
        },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri } },
            logicalLocations: [{ fullyQualifiedName: row.purl || row.component, kind: 'package' }],
          },
        ],
      });
    }
  }
  const ruleIndexOf = new Map<string, number>();
  const ruleFor = (id: string, make: () => object): number => {
    let i = ruleIndexOf.get(id);
    if (i === undefined) {
      i = rules.length;
      rules.push(make());
      ruleIndexOf.set(id, i);
    }
    return i;
  };
  const where = (uri: string) => [{ physicalLocation: { artifactLocation: { uri } } }];
  for (const k of r.risks ?? []) {
    const ruleIndex = ruleFor(k.rule, () => ({
      id: k.rule,
      shortDescription: { text: k.desc },
      help: { text: k.solution },
      defaultConfiguration: { level: SARIF_LEVEL[k.level] ?? 'warning' },
      properties: {
        tags: [k.type === 2 ? 'secret' : 'misconfiguration', 'security', LEVEL_NAMES[k.level] ?? ''],
      },
    }));
    const step = k.historyIndex !== undefined ? ` (history entry ${k.historyIndex + 1})` : '';
    results.push({
      ruleId: k.rule,
      ruleIndex,
      level: SARIF_LEVEL[k.level] ?? 'warning',
      message: { text: `${k.desc}${step}: ${k.instruction}` },
      locations: where(k.path ?? subjectName(r)),
    });
  }
  for (const v of r.viruses ?? []) {
    const id = `virus/${v.virusName}`;
    const ruleIndex = ruleFor(id, () => ({
      id,
      name: v.virusName,
      shortDescription: { text: v.desc },
      help: { text: v.solution },
      defaultConfiguration: { level: SARIF_LEVEL[v.level] ?? 'warning' },
      properties: { tags: ['malware', 'security', v.category] },
    }));
    results.push({
      ruleId: id,
      ruleIndex,
      level: SARIF_LEVEL[v.level] ?? 'warning',
      message: { text: `${v.virusName} in ${v.path} (md5 ${v.md5}, ${v.size} bytes)` },
      locations: where(v.path),
    });
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'hullscan',
            version: r.toolVersion,
            rules,
          },
        },
        results,
      },
    ],
  };
}
