import type { TableModel } from '../../kernel/model/table-model.js';
import { badRequest } from '../../kernel/errors.js';

/**
 * A record body in Xano's dialect → the body the shared write rules read (record-input.ts).
 * The one difference on input is timestamps: Xano sends epoch milliseconds, so a number in a
 * timestamp (datetime) column becomes RFC 3339 text; text is passed on as it is. The `id` is
 * dropped unless the caller may choose ids (bulk `allow_id_field`): Xano assigns them.
 */
export function fromXanoRecord(table: TableModel, body: unknown, opts: { keepId: boolean }): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('a record must be a JSON object');
  const out = convert(table, body as Record<string, unknown>, '');
  if (!opts.keepId) delete out.id;
  return out;
}

function convert(table: TableModel, obj: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const path = prefix + key;
    const leaf = table.leaf(path);
    if (leaf?.type === 'datetime' && typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) <= 8.64e15) {
      out[key] = new Date(value).toISOString();
    } else if (!leaf && table.isObject(path) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out[key] = convert(table, value as Record<string, unknown>, `${path}.`);
    } else {
      out[key] = value;
    }
  }
  return out;
}
