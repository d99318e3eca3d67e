import type { RecordFormat } from '../../core/records/projection.js';

/** Records in Xata's dialect: `id` as a string, `xata: {version, createdAt, updatedAt}`, RFC 3339 datetimes, links as `{id}`. */
export const xataRecordFormat: RecordFormat = {
  value: (leaf, value) => (leaf.type === 'datetime' ? new Date(value as number).toISOString() : value),
  meta(out, id, meta) {
    out.id = String(id);
    out.xata = { version: meta.version, createdAt: new Date(meta.createdAt).toISOString(), updatedAt: new Date(meta.updatedAt).toISOString() };
  },
  linkId: (id) => ({ id: String(id) }),
};
