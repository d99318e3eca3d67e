import type { RecordStamps } from '../ports/storage.js';
import { parseDatetime } from '../values/datetime-text.js';
import { datetimeText } from './cell-text.js';
import { RowFault } from './row-fault.js';

/**
 * Xata's record metadata in an export, kept by the import: `xata.createdAt` / `xata.updatedAt` /
 * `xata.version` (its CSV exports, and Strata's), a `xata: {…}` object (its JSON record shape),
 * or `xata_createdat` / `xata_updatedat` / `xata_version` (its PostgreSQL-backed tables).
 * Timestamps are RFC 3339 or epoch milliseconds, the version a non-negative integer; a value
 * that is neither fails its row, named by the field it came from.
 */
const FIELDS: Record<string, keyof RecordStamps> = {
  'xata.createdat': 'createdAt', 'xata.updatedat': 'updatedAt', 'xata.version': 'version',
  xata_createdat: 'createdAt', xata_updatedat: 'updatedAt', xata_version: 'version',
};

/** Which stamp a field (after --map) holds, if any. */
export const stampField = (name: string): keyof RecordStamps | undefined => FIELDS[name.toLowerCase()];

/** Adds one field's stamp (`name` is the field as the file spells it, for errors) to `into`. */
export function readStamp(into: RecordStamps, stamp: keyof RecordStamps, name: string, raw: unknown): void {
  if (raw === null || raw === undefined || raw === '') return;
  if (stamp === 'version') {
    const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new RowFault(name, 'invalid value, expected a non-negative integer version');
    into.version = n;
    return;
  }
  const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDatetime(datetimeText(raw.trim())) : undefined;
  if (ms === undefined || !Number.isSafeInteger(ms) || Number.isNaN(new Date(ms).getTime())) {
    throw new RowFault(name, 'invalid value, expected an RFC 3339 date-time or epoch milliseconds');
  }
  into[stamp] = ms;
}

/** The `xata` object of Xata's JSON record shape (or its JSON text in a CSV cell). */
export function readStampObject(into: RecordStamps, name: string, raw: unknown): void {
  let value = raw;
  if (typeof raw === 'string') {
    try { value = JSON.parse(raw); } catch { throw new RowFault(name, 'invalid value, expected a JSON object of version, createdAt and updatedAt'); }
  }
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) throw new RowFault(name, 'invalid value, expected an object of version, createdAt and updatedAt');
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const stamp = stampField(`xata.${key}`);
    if (stamp) readStamp(into, stamp, `${name}.${key}`, field);
  }
}

/** A record that gives only when it was last updated was not created later than that. */
export function completeStamps(stamps: RecordStamps): RecordStamps | undefined {
  if (stamps.version === undefined && stamps.createdAt === undefined && stamps.updatedAt === undefined) return undefined;
  if (stamps.createdAt === undefined && stamps.updatedAt !== undefined) stamps.createdAt = stamps.updatedAt;
  return stamps;
}
