import type { LeafColumn } from '../../kernel/model/column-types.js';
import { invalidValue } from '../../kernel/errors.js';
import { isValidRecordId } from '../names.js';
import { applyXanoRules, normaliseXanoInput } from './xano-value-rules.js';
import { parseDatetime } from './datetime-text.js';
import { coerceFileValue } from '../files/file-object.js';
import { jsonTextFault, jsonValueFault } from '../json-depth.js';
import { REQUEST_LIMITS, limitExceeded } from '../../kernel/request-limits.js';

/**
 * Input values → logical values, per column type. Logical values are what storage
 * encodes: strings, numbers, booleans, epoch milliseconds for datetimes, string arrays,
 * any JSON value for json, number arrays for vectors, and the target id for links.
 */
export const MAX_STRING_LENGTH = 2048;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const fail = (leaf: LeafColumn, expected: string) => invalidValue(`column [${leaf.path}]: invalid value, expected ${expected}`);

/** Text holding NUL, which PostgreSQL refuses in text and jsonb (and SQLite's C strings end at): refused on every engine. */
export const hasNul = (text: string): boolean => text.includes('\u0000');
const nul = (leaf: LeafColumn) => invalidValue(`column [${leaf.path}]: text cannot contain the NUL character (\\u0000)`);

/** A json (or file) value that nests past the limit or holds NUL cannot be stored. */
function storableJson(leaf: LeafColumn, value: unknown): unknown {
  const fault = jsonValueFault(value, REQUEST_LIMITS.jsonDepth);
  if (fault === 'nul') throw nul(leaf);
  if (fault === 'nesting') throw limitExceeded(`column [${leaf.path}]: JSON nesting (arrays and objects)`, 'jsonDepth');
  return value;
}

/** Validates and normalises one non-null input value for a column: its physical type, then its Xano type's rules. */
export function coerceValue(leaf: LeafColumn, value: unknown): unknown {
  const coerced = coercePhysical(leaf, leaf.xano ? normaliseXanoInput(leaf.xano, value) : value);
  return leaf.xano ? applyXanoRules(leaf, coerced) : coerced;
}

function coercePhysical(leaf: LeafColumn, value: unknown): unknown {
  switch (leaf.type) {
    case 'string':
    case 'text':
      if (typeof value !== 'string') throw fail(leaf, 'a string');
      if (hasNul(value)) throw nul(leaf);
      if (leaf.type === 'string' && value.length > MAX_STRING_LENGTH) throw invalidValue(`column [${leaf.path}]: string longer than ${MAX_STRING_LENGTH} characters (use a text column)`);
      return value;
    case 'email':
      if (typeof value !== 'string' || !EMAIL.test(value) || value.length > MAX_STRING_LENGTH) throw fail(leaf, 'an email address');
      if (hasNul(value)) throw nul(leaf);
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw fail(leaf, 'an integer');
      return value;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(leaf, 'a number');
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw fail(leaf, 'true or false');
      return value;
    case 'datetime': {
      const ms = typeof value === 'string' ? parseDatetime(value) : undefined;
      if (ms === undefined) throw fail(leaf, 'an RFC 3339 date-time such as 2024-01-31T12:00:00Z');
      return ms;
    }
    case 'multiple':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw fail(leaf, 'an array of strings');
      if (value.some(hasNul)) throw nul(leaf);
      return value;
    case 'link': {
      const id = typeof value === 'object' && value !== null && 'id' in value ? (value as { id: unknown }).id : value;
      if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
      if (typeof id !== 'string' || !isValidRecordId(id)) throw fail(leaf, 'the id of a linked record');
      return id;
    }
    case 'json':
      if (typeof value === 'string') {
        // The SDK sends json columns as JSON text.
        // Its nesting is checked before parsing: the text is within the body's limits, not its value.
        if (jsonTextFault(value, REQUEST_LIMITS.jsonDepth) === 'nesting') throw limitExceeded(`column [${leaf.path}]: JSON nesting (arrays and objects)`, 'jsonDepth');
        let parsed: unknown;
        try { parsed = JSON.parse(value); } catch { throw fail(leaf, 'JSON (an object, array, or JSON text)'); }
        return storableJson(leaf, parsed);
      }
      return storableJson(leaf, value);
    case 'file': case 'file[]':
      return storableJson(leaf, coerceFileValue(leaf, value));
    case 'vector': {
      const dimension = leaf.vector?.dimension;
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) throw fail(leaf, 'an array of numbers');
      if (value.length !== dimension) throw invalidValue(`column [${leaf.path}]: vector must have ${dimension} dimensions, got ${value.length}`);
      return value;
    }
  }
}

/** Parses a column's `defaultValue` (always a string in the contract); 'now' is evaluated at write time. */
export function parseDefault(leaf: LeafColumn, text: string): unknown | 'now' {
  if (leaf.type === 'datetime' && text === 'now') return 'now';
  switch (leaf.type) {
    case 'int': return /^-?\d+$/.test(text) ? coerceValue(leaf, Number(text)) : badDefault(leaf, text);
    case 'float': return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : badDefault(leaf, text);
    case 'bool': return text === 'true' ? true : text === 'false' ? false : badDefault(leaf, text);
    case 'multiple': case 'vector': {
      let parsed: unknown;
      try { parsed = JSON.parse(text); } catch { return badDefault(leaf, text); }
      return coerceValue(leaf, parsed);
    }
    default: return coerceValue(leaf, text);
  }
}

function badDefault(leaf: LeafColumn, text: string): never {
  throw invalidValue(`column [${leaf.path}]: invalid defaultValue [${text}] for type ${leaf.type}`);
}

/** The value a default produces at write time `now`, or undefined when the column has none. */
export function defaultFor(leaf: LeafColumn, now: number): unknown {
  if (leaf.defaultValue === undefined) return undefined;
  const parsed = parseDefault(leaf, leaf.defaultValue);
  return parsed === 'now' ? now : parsed;
}
