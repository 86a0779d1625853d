import type { ScanProgress } from '../scan/scan-image.js';
import { humanBytes } from './format.js';

/** A one-line progress display on a terminal, shown only once work has taken more than a second. */
export class ProgressLine {
  private readonly started = Date.now();
  private last = 0;
  private shown = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly label: string,
  ) {}

  static forStderr(label: string, quiet: boolean): ProgressLine | undefined {
    return !quiet && process.stderr.isTTY ? new ProgressLine(process.stderr, label) : undefined;
  }

  update(p: ScanProgress): void {
    const now = Date.now();
    if (now - this.started < 1000 || now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    const pct = p.bytesTotal > 0 ? Math.min(100, Math.floor((p.bytesRead / p.bytesTotal) * 100)) : 0;
    const secs = (now - this.started) / 1000;
    const rate = p.bytesRead / secs;
    const line = `${this.label}: ${pct}% ${humanBytes(p.bytesRead)}/${humanBytes(p.bytesTotal)} · layers ${p.layersDone}/${p.layersTotal} · ${humanBytes(rate)}/s`;
    this.out.write(`\r\x1b[2K${line.slice(0, (this.out.columns || 100) - 1)}`);
  }

  done(): void {
    if (this.shown) this.out.write('\r\x1b[2K');
  }
}
