/**
 * A transaction `get` answers exactly the fields its `columns` name (Xata's TransactionGetOp:
 * "the requested fields"): `id` and `xata` only when asked (`xata.version` alone is allowed),
 * `*` every column of the record, `link.col` that column of the linked record and nothing
 * else of it. A link named whole (`team`, `team.*`) is the linked record without its `xata`.
 * Works on the record in Xata's dialect, as the projection built it.
 */
type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
// Column names cannot start with "xata": an object with that key is a record (an expanded link).
const isRecord = (value: unknown): value is Fields => isObject(value) && 'xata' in value;
const withoutMeta = ({ xata: _meta, ...rest }: Fields): Fields => rest;

export function requestedFields(record: Fields, columns: string[]): Fields {
  const out: Fields = {};
  for (const raw of columns) {
    const request = raw.trim();
    if (request === '*') {
      for (const [key, value] of Object.entries(record)) if (key !== 'id' && key !== 'xata') merge(out, key, value);
      continue;
    }
    const parts = (request.endsWith('.*') ? request.slice(0, -2) : request).split('.');
    let source: unknown = record;
    let target = out;
    for (let i = 0; i < parts.length; i++) {
      if (!isObject(source) || source[parts[i]!] === undefined) break;
      const value = source[parts[i]!];
      if (i === parts.length - 1) {
        merge(target, parts[i]!, isRecord(value) ? withoutMeta(value) : value);
      } else if (!isRecord(value) && parts[i] !== 'xata') {
        // An object column or a file the projection already cut to what was named: kept whole,
        // and by reference (a file's base64Content is filled into that object before sending).
        merge(target, parts[i]!, value);
        break;
      } else {
        target = (isObject(target[parts[i]!]) ? target[parts[i]!] : (target[parts[i]!] = {})) as Fields;
        source = value;
      }
    }
  }
  return out;
}

/** Puts a value under a key, merging it into an object already there (`team.name` and `team.city`). */
function merge(target: Fields, key: string, value: unknown): void {
  const current = target[key];
  if (isObject(current) && isObject(value)) {
    for (const [k, v] of Object.entries(value)) merge(current, k, v);
  } else {
    target[key] = value;
  }
}
