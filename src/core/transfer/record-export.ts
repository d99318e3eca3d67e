import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { TableModel } from '../../kernel/model/table-model.js';
import type { BranchContext } from '../databases.js';
import type { QueryService } from '../query/query-service.js';
import { exportRecordFormat } from './export-record-format.js';
import { cellText } from './cell-text.js';
import type { TransferFormat } from './transfer-formats.js';

const PAGE = 1000;

/** Metadata columns of a CSV export, named as Xata's own exports name them. */
const META_COLUMNS = ['xata.createdAt', 'xata.updatedAt', 'xata.version'] as const;

/**
 * Every record of a table, a page at a time through the query service's keyset cursor (the
 * id order): memory holds one page, however large the table.
 */
export async function* tableRecords(queries: QueryService, ctx: BranchContext, table: string): AsyncGenerator<Record<string, unknown>> {
  let after: string | undefined;
  for (;;) {
    const page = await queries.query(ctx, table, { page: after ? { size: PAGE, after } : { size: PAGE }, columns: ['*'] }, exportRecordFormat);
    // Each record is let go once yielded: file content added downstream (file-content.ts) must not stay with the page.
    const records = page.records as Array<Record<string, unknown> | undefined>;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      records[i] = undefined;
      yield record;
    }
    if (!page.meta.page.more) return;
    after = page.meta.page.cursor;
  }
}

/** The CSV header of a table: id, every leaf column (objects dotted), then Xata's metadata. */
export const csvColumns = (table: TableModel): string[] => ['id', ...table.leaves.map((l) => l.path), ...META_COLUMNS];

/** Records (with their files' content, file-content.ts) wait in the pipeline one at a time, not 16. */
const ONE_AT_A_TIME = { highWaterMark: 1 };

/**
 * Writes records to `out` in a format, with backpressure (a slow disk pauses the reads).
 * Answers the number of records written.
 */
export async function writeRecords(records: AsyncIterable<Record<string, unknown>>, table: TableModel, format: TransferFormat, out: Writable, onRecord?: () => void): Promise<number> {
  let count = 0;
  const counted = async function* () {
    for await (const record of records) { count++; onRecord?.(); yield record; }
  };
  if (format === 'csv') {
    const columns = csvColumns(table);
    await pipeline(Readable.from(counted(), ONE_AT_A_TIME), new Transform({
      objectMode: true, highWaterMark: 1,
      transform(record: Record<string, unknown>, _enc, done) { done(null, csvRow(record, columns)); },
    }), stringify({ header: true, columns, quoted_match: /^$/ }), out); // "" for an empty string, nothing for null
    return count;
  }
  const json = format === 'json';
  await pipeline(Readable.from((async function* () {
    let first = true;
    if (json) yield '[';
    for await (const record of counted()) {
      yield `${json && !first ? ',' : ''}\n${JSON.stringify(record)}`.slice(json ? 0 : 1) + (json ? '' : '\n');
      first = false;
    }
    if (json) yield '\n]\n';
  })(), ONE_AT_A_TIME), out);
  return count;
}

function csvRow(record: Record<string, unknown>, columns: string[]): Array<string | null> {
  const meta = record.xata as Record<string, unknown> | undefined;
  return columns.map((path) => {
    if (path.startsWith('xata.')) return cellText(meta?.[path.slice(5)]);
    return cellText(path.includes('.') ? path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | null | undefined)?.[k], record) : record[path]);
  });
}
