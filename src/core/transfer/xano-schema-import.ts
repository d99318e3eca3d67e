import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../kernel/errors.js';
import type { BranchContext } from '../databases.js';
import type { XanoTableService } from '../schema/xano-tables.js';

/**
 * Xano's workspace export (POST /workspace/{id}/export) is an archive whose format Xano does not
 * document, so a Xano migration starts from what the Metadata API answers: a directory with one
 * `<table>.json` per table, each the answer of GET /api:meta/workspace/{id}/table/{t}/schema (an
 * array of column descriptors), and `tables.json`, the answer of GET /workspace/{id}/table
 * (`{items: [{id, name}]}` or the array), which names the table ids `tableref_id` points to.
 * Tables are created through the Metadata API's own service (integer ids, Xano types), those a
 * reference points to first; a table that exists already is left as it is.
 */
export async function applyXanoSchema(tables: XanoTableService, ctx: BranchContext, dir: string): Promise<string[]> {
  const names = readTableNames(dir);
  const schemas = new Map<string, unknown[]>();
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.json') || file === 'tables.json') continue;
    const columns = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as unknown;
    if (!Array.isArray(columns)) continue; // not a schema answer (an export of records, say)
    schemas.set(path.basename(file, '.json'), columns);
  }
  if (schemas.size === 0) throw new StrataError('BAD_REQUEST', `${dir}: no <table>.json holding a table's schema (an array of column descriptors)`);
  const created: string[] = [];
  const newIds = new Map<string, number>();
  for (const t of (await ctx.schema()).tables.values()) newIds.set(t.name, t.id);
  const visiting = new Set<string>();
  const create = async (name: string): Promise<void> => {
    if (newIds.has(name) || visiting.has(name)) return;
    visiting.add(name);
    const columns = schemas.get(name)!;
    const remapped = [];
    for (const column of columns as Array<Record<string, unknown>>) {
      if (typeof column?.tableref_id !== 'number') { remapped.push(column); continue; }
      const target = names.get(column.tableref_id);
      if (!target) throw new StrataError('BAD_REQUEST', `${name}.json: column [${String(column.name)}] refers to table ${column.tableref_id}, which tables.json does not name`);
      if (schemas.has(target)) await create(target);
      const id = newIds.get(target);
      if (id === undefined) throw new StrataError('BAD_REQUEST', `${name}.json: column [${String(column.name)}] refers to table [${target}], which is neither in ${dir} nor in the workspace`);
      remapped.push({ ...column, tableref_id: id });
    }
    const table = await tables.create(ctx, { name, schema: remapped });
    newIds.set(name, table.id);
    created.push(name);
  };
  for (const name of schemas.keys()) await create(name);
  return created;
}

function readTableNames(dir: string): Map<number, string> {
  const file = path.join(dir, 'tables.json');
  if (!fs.existsSync(file)) return new Map();
  const answer = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  const items = Array.isArray(answer) ? answer : (answer as { items?: unknown })?.items;
  if (!Array.isArray(items)) throw new StrataError('BAD_REQUEST', `${file}: expected the table list ({items: [{id, name}]})`);
  return new Map(items.map((t: { id: number; name: string }) => [t.id, t.name]));
}
