// Runs one scan in a fresh process and prints its wall time (including module loading) and peak RSS.
const { scanImage } = await import('../dist/scan/scan-image.js');
const { defaultAnalyzers } = await import('../dist/scan/analyzers.js');
const { languageAnalyzers } = await import('../dist/ecosystems/languages.js');
// mode `os`: the OS analyzers only (the reference the language analyzers are measured against)
const [ref, dataDir, mode = 'all'] = process.argv.slice(2);
const language = new Set(languageAnalyzers().map((a) => a.name));
const analyzers = defaultAnalyzers().filter((a) => mode === 'all' || !language.has(a.name));
const r = await scanImage(ref, { dataDir, analyzers });
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
    imageID: r.manifest.imageID,
  }),
);
