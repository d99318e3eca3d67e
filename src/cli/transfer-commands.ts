import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Strata } from '../core/strata.js';
import type { BranchContext } from '../core/databases.js';
import { StrataError } from '../kernel/errors.js';
import { tableRecords, writeRecords } from '../core/transfer/record-export.js';
import { withFileContent } from '../core/transfer/file-content.js';
import type { BlobStore } from '../core/ports/blob-store.js';
import { extensionOf, transferFormat } from '../core/transfer/transfer-formats.js';
import { openSource } from '../core/transfer/record-sources.js';
import { importTable, type RowError } from '../core/transfer/table-import.js';
import { ProgressFile, progressPath, type ImportCounts } from '../core/transfer/import-progress.js';
import { parseMapping } from '../core/transfer/row-mapping.js';
import { tableFiles, type TableFile } from '../core/transfer/import-files.js';
import { applyXataSchema } from '../core/transfer/xata-schema-import.js';
import { applyXanoSchema } from '../core/transfer/xano-schema-import.js';
import { UsageError, type Flags } from './access-commands.js';
import { TransferProgress } from './transfer-progress.js';

type Out = (line: string) => void;

/** Exit status of an import that finished with rows it could not import. */
export const ROWS_FAILED_EXIT = 3;

const text = (flags: Flags, name: string): string | undefined => (typeof flags[name] === 'string' && flags[name] !== '' ? flags[name] as string : undefined);
const required = (flags: Flags, command: string, name: string): string => {
  const value = text(flags, name);
  if (value === undefined) throw new UsageError(`${command} needs --${name}`);
  return value;
};

/**
 * `strata export --database D [--branch B] (--table T [--out FILE] | --dir DIR) [--format csv|json|ndjson] [--no-file-content]`.
 * A whole database goes to a directory: one file per table and `schema.json` (the shape
 * `xata schema dump` writes), which `strata import --schema … --dir …` takes back.
 * Files go with their bytes (`base64Content` in each file object) unless --no-file-content.
 */
export async function exportCommand(strata: Strata, flags: Flags, out: Out): Promise<number> {
  const database = required(flags, 'export', 'database');
  const ctx = await strata.databases.resolve(database, text(flags, 'branch') ?? 'main');
  const table = text(flags, 'table');
  const outFile = text(flags, 'out');
  const blobs = flags['no-file-content'] === true ? undefined : strata.storage.blobs;
  if (table) {
    if (text(flags, 'dir')) throw new UsageError('export --table writes one file: use --out (or stdout), not --dir');
    const format = transferFormat(text(flags, 'format') ?? (outFile ? undefined : 'csv'), outFile);
    const n = await exportTable(strata, ctx, table, format, outFile, blobs);
    if (outFile) out(`exported ${n} records of ${table} to ${outFile}`);
    return 0;
  }
  const dir = required(flags, 'export (a whole database)', 'dir');
  const format = transferFormat(text(flags, 'format') ?? 'csv');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'schema.json'), `${JSON.stringify({ tables: await strata.schema.tables(ctx) }, null, 2)}\n`);
  for (const t of (await ctx.schema()).ordered()) {
    const file = path.join(dir, t.name + extensionOf(format));
    out(`exported ${await exportTable(strata, ctx, t.name, format, file, blobs)} records of ${t.name} to ${file}`);
  }
  return 0;
}

async function exportTable(
  strata: Strata, ctx: BranchContext, tableName: string, format: ReturnType<typeof transferFormat>, file: string | undefined, blobs: BlobStore | undefined,
): Promise<number> {
  const table = await strata.schema.table(ctx, tableName);
  const { aggs } = await strata.analytics.aggregate(ctx, tableName, { aggs: { n: { count: '*' } } });
  const progress = new TransferProgress(`export ${tableName}`, Number(aggs.n) || 0);
  const target = file ? fs.createWriteStream(file) : process.stdout;
  let rows = 0;
  const records = tableRecords(strata.queries, ctx, tableName);
  const n = await writeRecords(blobs ? withFileContent(records, table, blobs) : records, table, format, target, () => {
    rows++;
    if (rows % 1000 === 0) progress.update(rows, rows);
  });
  progress.finish(n);
  return n;
}

/**
 * `strata import --database D [--branch B] --table T --file F [--format …] [--map a=b,…] [--resume] [--batch-size N] [--errors FILE]`,
 * or a whole database: `--schema schema.json --dir DIR` (Xata: `xata schema dump` and per-table
 * exports) or `--xano-schema DIR --dir DIR` (Xano: the Metadata API's table schemas and per-table CSVs).
 */
export async function importCommand(strata: Strata, flags: Flags, out: Out): Promise<number> {
  const database = required(flags, 'import', 'database');
  const branch = text(flags, 'branch') ?? 'main';
  const schemaFile = text(flags, 'schema');
  const xanoSchema = text(flags, 'xano-schema');
  const errors = new ErrorSink(text(flags, 'errors'));
  const mapping = parseMapping(((flags.map as unknown as string[] | undefined) ?? []));
  const batchSize = text(flags, 'batch-size') === undefined ? undefined : Number(flags['batch-size']);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000)) throw new UsageError('--batch-size must be an integer from 1 to 1000');
  const common = { mapping, batchSize, resume: flags.resume === true, onError: (e: RowError) => errors.add(e) };

  let files: TableFile[];
  let ctx: BranchContext;
  if (schemaFile || xanoSchema) {
    if (schemaFile && xanoSchema) throw new UsageError('import takes --schema (Xata) or --xano-schema (Xano), not both');
    const dir = required(flags, 'import with a schema', 'dir');
    ctx = await createdBranch(strata, database, branch);
    if (schemaFile) {
      const { added, skipped } = await applyXataSchema(strata.schema, ctx, readJson(schemaFile));
      out(`schema: ${added.length} change${added.length === 1 ? '' : 's'} applied${skipped.length ? `, ${skipped.length} left out (an import only adds tables and columns)` : ''}`);
    } else {
      const created = await applyXanoSchema(strata.xanoTables, ctx, xanoSchema!);
      out(`schema: ${created.length} table${created.length === 1 ? '' : 's'} created${created.length ? ` (${created.join(', ')})` : ''}`);
    }
    files = tableFiles(dir, await ctx.schema(), schemaFile ? [schemaFile] : []);
    if (text(flags, 'format') || mapping.size) throw new UsageError('--format and --map apply to one file (--table … --file …); a directory\'s files are named <table>.<format>');
  } else {
    const file = required(flags, 'import', 'file');
    const tableName = required(flags, 'import', 'table');
    ctx = await strata.databases.resolve(database, branch);
    files = [{ table: await strata.schema.table(ctx, tableName), file, format: transferFormat(text(flags, 'format'), file) }];
  }

  const total: ImportCounts = { read: 0, imported: 0, failed: 0 };
  try {
    for (const { table, file, format } of files) {
      if (!fs.existsSync(file)) throw new UsageError(`no file ${file}`);
      const source = openSource(file, format);
      const progress = new TransferProgress(`import ${path.basename(file)}`, source.totalBytes);
      const counts = await importTable(strata.batches, ctx, table, source, {
        ...common, file, progress: new ProgressFile(progressPath(file)),
        onProgress: (p) => progress.update(p.bytesRead, p.read),
      });
      progress.finish(counts.read);
      out(`${file} → ${database}:${branch}/${table.name}: read ${counts.read}, imported ${counts.imported}, failed ${counts.failed}`);
      total.read += counts.read; total.imported += counts.imported; total.failed += counts.failed;
    }
  } finally {
    errors.close();
  }
  if (files.length > 1) out(`total: read ${total.read}, imported ${total.imported}, failed ${total.failed}`);
  return total.failed > 0 ? ROWS_FAILED_EXIT : 0;
}

/** The branch to import into, with its database created when missing (a migration starts from nothing). */
async function createdBranch(strata: Strata, database: string, branch: string): Promise<BranchContext> {
  try {
    return await strata.databases.resolve(database, branch);
  } catch (err) {
    if (!(err instanceof StrataError) || err.code !== 'NOT_FOUND') throw err;
    if (!(await strata.databases.list()).some((d) => d.name === database)) await strata.databases.create(database);
    if (branch !== 'main') await strata.databases.createBranch(database, branch);
    return strata.databases.resolve(database, branch);
  }
}

function readJson(file: string): unknown {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch (err) { throw new UsageError(`${file}: ${(err as Error).message}`); }
}

/** Row errors: one line each on stderr (`file:line: column c: reason`), and as CSV rows in `--errors FILE`. */
class ErrorSink {
  private readonly fd?: number;
  constructor(file: string | undefined) {
    if (file) {
      this.fd = fs.openSync(file, 'w');
      fs.writeSync(this.fd, stringify([['file', 'line', 'column', 'reason']]));
    }
  }

  add(e: RowError): void {
    process.stderr.write(`error: ${e.file}:${e.line}: ${e.column ? `column ${e.column}: ` : ''}${e.reason}\n`);
    if (this.fd !== undefined) fs.writeSync(this.fd, stringify([[e.file, e.line, e.column ?? '', e.reason]]));
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
  }
}
