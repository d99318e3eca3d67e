import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, emptyCounts, type ArchiveCounts, type ArchiveScope, type BodyLine, type HeaderLine, type TrailerLine } from './archive-format.js';
import type { EngineName } from '../ports/storage.js';

/**
 * Writes an archive to a stream: every line hashed as written, gzip'd, with backpressure
 * (a slow reader slows the snapshot's reads, memory stays flat). `finish` writes the trailer.
 */
export class ArchiveWriter {
  private readonly hash = createHash('sha256');
  private readonly gzip = createGzip();
  private lines = 0;
  readonly counts: ArchiveCounts = emptyCounts();
  private readonly piped: Promise<void>;
  /** Rejects once the destination closes or fails before the archive is whole (a reader gone). */
  private readonly gone: Promise<never>;

  constructor(out: Writable, engine: EngineName, scope: ArchiveScope, extra: Pick<HeaderLine, 'xanoBranches'> = {}, now = new Date()) {
    this.gzip.pipe(out);
    // Done when gzip has handed its last bytes on; the caller waits for its own stream to flush.
    this.piped = new Promise((resolve, reject) => {
      this.gzip.on('end', resolve);
      out.on('error', reject);
      this.gzip.on('error', reject);
    });
    this.gone = new Promise<never>((_resolve, reject) => {
      out.on('close', () => { if (!this.gzip.readableEnded) reject(new Error('the archive\'s destination closed before it was complete')); });
    });
    // Nobody may be waiting when it closes (the writer is between lines, or done).
    this.gone.catch(() => undefined);
    this.piped.catch(() => undefined);
    this.raw(JSON.stringify({ t: 'header', format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, engine, createdAt: now.toISOString(), scope, ...extra }));
  }

  private raw(text: string): boolean {
    const line = `${text}\n`;
    this.hash.update(line);
    this.lines++;
    return this.gzip.write(line);
  }

  async write(line: BodyLine): Promise<void> {
    // A reader that stops reading slows the snapshot down; one that is gone ends it.
    if (!this.raw(JSON.stringify(line))) await Promise.race([once(this.gzip, 'drain'), this.gone]);
  }

  async finish(): Promise<TrailerLine> {
    const trailer: TrailerLine = { t: 'trailer', sha256: this.hash.digest('hex'), lines: this.lines, counts: this.counts };
    this.gzip.end(`${JSON.stringify(trailer)}\n`);
    await Promise.race([this.piped, this.gone]);
    return trailer;
  }

  /** Ends the stream without a trailer: what was written is refused by every reader. */
  abort(): void {
    this.gzip.end();
  }
}
