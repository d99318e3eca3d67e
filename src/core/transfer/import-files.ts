import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../kernel/errors.js';
import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import { progressPath } from './import-progress.js';
import { transferFormat, type TransferFormat } from './transfer-formats.js';

/** One table's export in a directory. */
export interface TableFile { table: TableModel; file: string; format: TransferFormat }

const DATA_EXTENSIONS = ['.csv', '.ndjson', '.jsonl', '.json'];

/**
 * The per-table files of an export directory (`<table>.csv`, `.ndjson`, `.jsonl` or `.json`),
 * for the tables the schema has, ordered so a table comes after the tables its links point to
 * (ids are preserved, so a link's target must be there first). A cycle of links keeps the
 * file order for the tables on it: a link to a record of a later batch is then reported per row.
 */
export function tableFiles(dir: string, schema: BranchSchema, skip: string[] = []): TableFile[] {
  const skipped = new Set(skip.map((f) => path.resolve(f)));
  const found = new Map<string, TableFile>();
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    const ext = path.extname(name).toLowerCase();
    if (!DATA_EXTENSIONS.includes(ext) || skipped.has(path.resolve(file)) || name.endsWith(path.basename(progressPath('')))) continue;
    const table = schema.tables.get(path.basename(name, path.extname(name)));
    if (!table) continue;
    if (found.has(table.name)) throw new StrataError('BAD_REQUEST', `${dir}: two files for table [${table.name}]`);
    found.set(table.name, { table, file, format: transferFormat(undefined, file) });
  }
  if (found.size === 0) throw new StrataError('BAD_REQUEST', `${dir}: no file named after a table of the schema (<table>.csv, .ndjson or .json)`);
  return linkOrder([...found.values()]);
}

function linkOrder(files: TableFile[]): TableFile[] {
  const byName = new Map(files.map((f) => [f.table.name, f]));
  const out: TableFile[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (f: TableFile) => {
    if (state.get(f.table.name)) return;
    state.set(f.table.name, 'visiting');
    for (const leaf of f.table.leaves) {
      const target = leaf.link ? byName.get(leaf.link.table) : undefined;
      if (target && target !== f) visit(target);
    }
    state.set(f.table.name, 'done');
    out.push(f);
  };
  files.forEach(visit);
  return out;
}
