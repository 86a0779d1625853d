// Runs one scan in a fresh process and prints its wall time (including module loading) and peak RSS.
const { scanImage } = await import('../dist/scan/scan-image.js');
const [ref, dataDir] = process.argv.slice(2);
const r = await scanImage(ref, { dataDir });
// performance.now() counts from process start, so Node's own start-up is included
const seconds = performance.now() / 1000;
process.stdout.write(
  JSON.stringify({
    seconds,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    components: r.components.length,
    imageID: r.manifest.imageID,
  }),
);
