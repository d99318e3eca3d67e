import fs from 'node:fs';

/** The counts an import has reached. */
export interface ImportCounts { read: number; imported: number; failed: number }

/**
 * An import's progress file, next to its input (`<file>.strata-import.json`): the source rows
 * consumed by committed batches and the counts then. Before each batch commits, `pending`
 * names the batch's end and one id it inserts (`probe`): should the process die between the
 * commit and the next write of this file, `--resume` finds the probe in the table and counts
 * the batch as done, so a resumed import neither repeats nor skips a batch. Without a probe
 * (integer ids the database assigns) that narrow window is not covered.
 * Written to a temporary file and renamed, so it is never half-written.
 */
export interface ProgressState extends ImportCounts {
  file: string; table: string; rowsDone: number;
  pending?: ImportCounts & { rowsDone: number; probe?: string | number };
}

export const progressPath = (file: string): string => `${file}.strata-import.json`;

export class ProgressFile {
  constructor(readonly path: string) {}

  read(): ProgressState | undefined {
    try { return JSON.parse(fs.readFileSync(this.path, 'utf8')) as ProgressState; } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`progress file ${this.path} cannot be read: ${(err as Error).message}`);
    }
  }

  write(state: ProgressState): void {
    const tmp = `${this.path}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, this.path);
  }

  remove(): void {
    fs.rmSync(this.path, { force: true });
  }
}
