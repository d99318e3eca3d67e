import cliProgress from 'cli-progress';

/**
 * Progress of an export or import on stderr: a bar with rate and ETA on a terminal
 * (cli-progress), plain lines every few seconds otherwise (logs, CI), so stdout stays the
 * summary alone. `total` is rows (export) or bytes (import: the input's size).
 */
export class TransferProgress {
  private bar?: cliProgress.SingleBar;
  private started = Date.now();
  private lastLine = 0;

  constructor(private readonly label: string, private readonly total: number, private readonly intervalMs = 2000, private readonly stream: NodeJS.WriteStream = process.stderr) {
    if (stream.isTTY) {
      this.bar = new cliProgress.SingleBar({
        stream, hideCursor: true, etaBuffer: 50,
        format: `${label} |{bar}| {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}`,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(Math.max(total, 1), 0, { rows: 0, rate: 0 });
    }
  }

  update(done: number, rows: number): void {
    const rate = Math.round(rows / Math.max((Date.now() - this.started) / 1000, 0.001));
    if (this.bar) { this.bar.update(Math.min(done, this.total), { rows, rate }); return; }
    const now = Date.now();
    if (now - this.lastLine < this.intervalMs) return;
    this.lastLine = now;
    this.stream.write(`${this.line(done, rows, rate)}\n`);
  }

  finish(rows: number): void {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    if (this.bar) { this.bar.update(this.total, { rows, rate: Math.round(rows / seconds) }); this.bar.stop(); return; }
    this.stream.write(`${this.label}: done, ${rows} rows in ${seconds.toFixed(1)} s (${Math.round(rows / seconds)} rows/s)\n`);
  }

  private line(done: number, rows: number, rate: number): string {
    const share = this.total > 0 ? Math.min(done / this.total, 1) : 0;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = share > 0 ? Math.round(elapsed / share - elapsed) : undefined;
    return `${this.label}: ${rows} rows, ${Math.floor(share * 100)}%, ${rate} rows/s, ETA ${eta === undefined ? '?' : `${eta}s`}`;
  }
}
