import cliProgress from 'cli-progress';

/**
 * Progress on stderr (stdout may carry the archive itself): a bar with rate and ETA on a
 * terminal, a plain line every few seconds otherwise (logs, cron mail).
 */
export interface ProgressReport {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

const PLAIN_EVERY_MS = 5000;

export function progressReport(unit: string, stream: NodeJS.WriteStream = process.stderr): ProgressReport {
  const startedAt = Date.now();
  const rate = (done: number) => Math.round(done / Math.max(0.001, (Date.now() - startedAt) / 1000));
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({
      stream, format: `{bar} {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 50,
    }, cliProgress.Presets.shades_classic);
    return {
      start: (total) => bar.start(total, 0, { rate: 0 }),
      update: (done) => bar.update(done, { rate: rate(done) }),
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  let lastAt = 0;
  let last = -1;
  const line = (done: number) => {
    last = done;
    lastAt = Date.now();
    stream.write(`strata: ${done}/${total} ${unit} (${rate(done)}/s)\n`);
  };
  return {
    start: (t) => { total = t; line(0); },
    update: (done) => { if (Date.now() - lastAt >= PLAIN_EVERY_MS) line(done); },
    stop: () => { if (last !== total && total > 0) line(total); },
  };
}
