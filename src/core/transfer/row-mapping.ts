import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import { badRequest } from '../../kernel/errors.js';
import { decodeCell } from './cell-text.js';
import type { SourceRow } from './record-sources.js';
import { fetchFileValue } from './file-values.js';
import { RowFault } from './row-fault.js';
import type { RecordStamps } from '../ports/storage.js';
import { completeStamps, readStamp, readStampObject, stampField } from './record-stamps.js';

/** A row as the import writes it: the record body the write path checks, and Xata's metadata when the row has it. */
export interface MappedRow { body: Record<string, unknown>; stamps?: RecordStamps }

/** `--map csvcol=column,…` → source field → table column. */
export function parseMapping(specs: string[]): Map<string, string> {
  const mapping = new Map<string, string>();
  for (const spec of specs.flatMap((s) => s.split(','))) {
    const [from, to, ...extra] = spec.split('=');
    if (!from || !to || extra.length) throw badRequest(`--map takes source=column pairs, got [${spec}]`);
    mapping.set(from.trim(), to.trim());
  }
  return mapping;
}

/**
 * Xata's metadata in exports: `xata.createdAt`-style (its CSV and JSON exports) or
 * `xata_createdat`-style (its PostgreSQL-backed tables). `xata_id` is the record id; the
 * version and timestamps are kept (record-stamps.ts); any other field of it is left out.
 */
const isMeta = (name: string) => name === 'xata' || name.startsWith('xata.') || /^xata_/i.test(name);

/** What a row's fields become: the record body the bulk insert path takes. */
export class RowMapper {
  constructor(private readonly table: TableModel, private readonly mapping: Map<string, string>) {}

  /** Columns of a CSV header that name nothing in the table (checked once, before any row). */
  unknownColumns(header: string[]): string[] {
    return header.filter((name) => {
      const target = this.mapping.get(name) ?? name;
      return target !== 'id' && !isMeta(target) && !this.table.leaf(target) && !this.table.isObject(target);
    });
  }

  async row(row: SourceRow): Promise<MappedRow> {
    const body: Record<string, unknown> = {};
    const stamps: RecordStamps = {};
    for (const [name, raw] of Object.entries(row.fields)) {
      if (raw === undefined) continue;
      const target = this.mapping.get(name) ?? name;
      if (target === 'id' || target.toLowerCase() === 'xata_id') {
        const id = typeof raw === 'string' ? raw.trim() : raw;
        if (id !== '' && id !== null) body.id = id;
        continue;
      }
      if (isMeta(target)) {
        const stamp = stampField(target);
        if (stamp) readStamp(stamps, stamp, name, raw);
        else if (target === 'xata') readStampObject(stamps, name, raw);
        continue;
      }
      const leaf = this.table.leaf(target);
      if (!leaf) { body[target] = raw; continue; } // an object column given whole, or a column the write path reports
      const value = row.text ? decodeCell(leaf, raw as string) : fromJson(leaf, raw);
      if (value === undefined) continue;
      body[target] = leaf.type === 'file' || leaf.type === 'file[]' ? await this.file(leaf, value) : value;
    }
    const complete = completeStamps(stamps);
    return complete ? { body, stamps: complete } : { body };
  }

  private async file(leaf: LeafColumn, value: unknown): Promise<unknown> {
    try {
      return leaf.type === 'file[]' && Array.isArray(value) ? await Promise.all(value.map((v) => fetchFileValue(v))) : await fetchFileValue(value);
    } catch (err) {
      throw new RowFault(leaf.path, (err as Error).message);
    }
  }
}

/** JSON values go as they are, but for the spellings other exports use: epoch-ms datetimes (Xano), `{id}` links. */
function fromJson(leaf: LeafColumn, value: unknown): unknown {
  if (leaf.type === 'datetime' && typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  if (leaf.type === 'json' && value !== null && typeof value !== 'string') return value;
  return value;
}
