// Runs one scan in a fresh process and prints its wall time (including module loading) and peak RSS.
// mode `os`: the OS analyzers only (the reference the language analyzers are measured against);
// `all`: the inventory (OS and language packages); `full`: the inventory plus the secret, risk and
// virus scanners (built-in engine, EICAR plus whatever DATA/signatures holds: none here).
const { scanImage } = await import('../dist/scan/scan-image.js');
const { defaultAnalyzers } = await import('../dist/scan/analyzers.js');
const { languageAnalyzers } = await import('../dist/ecosystems/languages.js');
const { scannerPlan } = await import('../dist/scan/scanners.js');
const [ref, dataDir, mode = 'all'] = process.argv.slice(2);
const language = new Set(languageAnalyzers().map((a) => a.name));
let options = { analyzers: defaultAnalyzers().filter((a) => mode !== 'os' || !language.has(a.name)) };
if (mode === 'full') {
  const plan = await scannerPlan(['secret', 'risk', 'virus'], dataDir);
  options = plan;
}
const r = await scanImage(ref, { dataDir, ...options });
const byType = {};
for (const c of r.components) byType[c.type] = (byType[c.type] ?? 0) + 1;
// performance.now() counts from process start, so Node's own start-up is included
const seconds = performance.now() / 1000;
process.stdout.write(
  JSON.stringify({
    seconds,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    components: r.components.length,
    byType,
    risks: r.risks.length,
    viruses: r.viruses.length,
    imageID: r.manifest.imageID,
  }),
);
