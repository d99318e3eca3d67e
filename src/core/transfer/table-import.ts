import { StrataError } from '../../kernel/errors.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import type { BranchContext } from '../databases.js';
import { newRecordId } from '../ids.js';
import type { BatchService } from '../records/batch-service.js';
import { BatchFailure, MAX_BATCH_SIZE } from '../records/batch-runner.js';
import { insertImportBatch } from './import-batch.js';
import type { ImportCounts, ProgressFile, ProgressState } from './import-progress.js';
import type { RecordSource } from './record-sources.js';
import { RowMapper, type MappedRow } from './row-mapping.js';
import { RowFault } from './row-fault.js';

/** A record that was not imported: where it is in its file, the column to blame if one is, why. */
export interface RowError { file: string; line: number; column: string | null; reason: string }

export interface ImportProgress extends ImportCounts { bytesRead: number; totalBytes: number }

export interface TableImportOptions {
  file: string;
  mapping: Map<string, string>;
  batchSize?: number;
  /** Where committed batches are noted; `resume` continues after the last one. */
  progress?: ProgressFile;
  resume?: boolean;
  onError(error: RowError): void;
  onProgress?(progress: ImportProgress): void;
}

interface Pending extends MappedRow { line: number }

const COLUMN = /^column \[([^\]]+)\]: /;

/**
 * Imports one file into one table, batch by batch (1000 rows each by default), each batch one
 * transaction through the record write rules (import-batch.ts). A row that fails — unreadable, a value its column refuses, a missing link — is
 * reported and left out, and its batch is retried without it, so it fails only itself.
 */
export async function importTable(batches: BatchService, ctx: BranchContext, table: TableModel, source: RecordSource, opts: TableImportOptions): Promise<ImportCounts> {
  const batchSize = Math.min(opts.batchSize ?? MAX_BATCH_SIZE, MAX_BATCH_SIZE);
  const mapper = new RowMapper(table, opts.mapping);
  const counts = await startingPoint(ctx, table, opts);
  let rowsDone = counts.rowsDone;
  const progress = () => opts.onProgress?.({ read: counts.read, imported: counts.imported, failed: counts.failed, bytesRead: source.bytesRead(), totalBytes: source.totalBytes });

  let seen = 0;
  let batch: Pending[] = [];
  let faults: RowError[] = [];
  let headerChecked = false;
  const flush = async () => {
    const consumed = seen;
    const committed = { ...counts, rowsDone };
    // What the progress file will say once this batch commits, given how many rows it keeps.
    const after = (imported: number) => ({
      read: counts.read + consumed - rowsDone, imported: counts.imported + imported,
      failed: counts.failed + consumed - rowsDone - imported, rowsDone: consumed,
    });
    const imported = await insertBatch(batches, ctx, table, batch, faults, opts.file, (keep, probe) => {
      opts.progress?.write(state(opts, table, committed, { ...after(keep), probe }));
    });
    Object.assign(counts, after(imported));
    rowsDone = consumed;
    for (const fault of faults.sort((a, b) => a.line - b.line)) opts.onError(fault);
    // A batch that kept no row committed nothing a probe could find: its end is written as such.
    if (imported === 0) opts.progress?.write(state(opts, table, { ...counts, rowsDone }));
    batch = [];
    faults = [];
    progress();
  };

  for await (const row of source.rows) {
    if (!headerChecked && source.header) {
      headerChecked = true;
      const unknown = mapper.unknownColumns(source.header() ?? []);
      if (unknown.length) throw new StrataError('BAD_REQUEST', `${opts.file}: column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `[${c}]`).join(', ')} not in table [${table.name}] (map them with --map ${unknown[0]}=column)`);
    }
    seen++;
    if (seen <= rowsDone) continue; // resumed: committed before
    if (row.fault) {
      faults.push({ file: opts.file, line: row.line, column: null, reason: row.fault });
    } else {
      try {
        batch.push({ line: row.line, ...await mapper.row(row) });
      } catch (err) {
        if (!(err instanceof RowFault)) throw err;
        faults.push({ file: opts.file, line: row.line, column: err.column, reason: err.message });
      }
    }
    if (batch.length + faults.length >= batchSize) await flush();
  }
  if (batch.length + faults.length > 0 || seen > rowsDone) await flush();
  opts.progress?.remove();
  progress();
  return { read: counts.read, imported: counts.imported, failed: counts.failed };
}

/** Where this import starts: from nothing, or (resume) after the last batch that committed. */
async function startingPoint(ctx: BranchContext, table: TableModel, opts: TableImportOptions): Promise<ImportCounts & { rowsDone: number }> {
  const fresh = { read: 0, imported: 0, failed: 0, rowsDone: 0 };
  const saved = opts.progress?.read();
  if (!saved) return fresh;
  if (!opts.resume) {
    throw new StrataError('CONFLICT', `an import of ${opts.file} was interrupted (${opts.progress!.path}): add --resume to continue it, or delete that file to start over`);
  }
  if (saved.table !== table.name) throw new StrataError('CONFLICT', `${opts.progress!.path} belongs to an import into table [${saved.table}], not [${table.name}]`);
  const { pending } = saved;
  if (pending?.probe !== undefined && (await ctx.store.existingIds(table, [pending.probe])).has(String(pending.probe))) {
    return { read: pending.read, imported: pending.imported, failed: pending.failed, rowsDone: pending.rowsDone };
  }
  return { read: saved.read, imported: saved.imported, failed: saved.failed, rowsDone: saved.rowsDone };
}

const state = (opts: TableImportOptions, table: TableModel, at: ImportCounts & { rowsDone: number }, pending?: ProgressState['pending']): ProgressState =>
  ({ file: opts.file, table: table.name, ...at, ...(pending ? { pending } : {}) });

/**
 * One batch: inserted through the bulk path; the rows the path refuses (by index) are
 * reported and the rest is tried again, until what is left commits. Answers how many did.
 */
async function insertBatch(
  batches: BatchService, ctx: BranchContext, table: TableModel, rows: Pending[], faults: RowError[], file: string,
  beforeCommit: (keep: number, probe: string | number | undefined) => void,
): Promise<number> {
  // String ids are chosen here rather than by the insert, so the progress file can name one (the probe).
  if (table.idKind === 'string') for (const row of rows) row.body.id ??= newRecordId();
  let left = rows;
  while (left.length > 0) {
    beforeCommit(left.length, left[0]!.body.id as string | number | undefined);
    try {
      await insertImportBatch(batches, ctx, table, left);
      return left.length;
    } catch (err) {
      if (!(err instanceof BatchFailure)) throw err;
      const refused = new Set(err.errors.map((e) => e.index));
      for (const e of err.errors) {
        const row = left[e.index];
        if (row) {
          const column = COLUMN.exec(e.message);
          faults.push({ file, line: row.line, column: column?.[1] ?? null, reason: column ? e.message.slice(column[0].length) : e.message });
        }
      }
      const kept = left.filter((_, i) => !refused.has(i));
      if (kept.length === left.length) throw err;
      left = kept;
    }
  }
  return 0;
}
