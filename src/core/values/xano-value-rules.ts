import { StrataError } from '../../kernel/errors.js';
import { isValidRecordId } from '../names.js';
import type { LeafColumn } from '../../kernel/model/column-types.js';
import { fileMetadataProblem } from './file-metadata.js';
import { geoJsonProblem } from './geojson.js';
import { parseDatetime } from './datetime-text.js';
import {
  FILE_TYPES, GEO_TYPES, refusesNull,
  type NumberFilters, type PasswordFilters, type TextFilters, type Validators, type XanoColumn,
} from '../../kernel/model/xano-column.js';

/**
 * The value rules of Xano column types, applied after the physical type's own check
 * (values.ts) on every write, whichever API it comes through: enum values, min/max, text
 * filters (trim, lower, …), uuid and date formats, GeoJSON, file objects, password policy.
 * Lists are checked element by element. Returns the value to store (text filters and uuids
 * normalise it); passwords are hashed later, by the record layer (hashing is asynchronous).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LINK_TYPES = new Set(['tableref', 'tablerefuuid']);

const fail = (path: string, expected: string) => new StrataError('INVALID_VALUE', `column [${path}]: invalid value, expected ${expected}`, { param: path });

export function applyXanoRules(leaf: LeafColumn, value: unknown): unknown {
  const xano = leaf.xano!;
  if (xano.style === 'list') {
    if (!Array.isArray(value)) throw fail(leaf.path, 'a list (an array)');
    return value.map((element, i) => checkXanoValue(xano, element, `${leaf.path}.${i}`));
  }
  // A single link is checked by the link rules (the target must exist).
  if (LINK_TYPES.has(xano.type)) return value;
  return checkXanoValue(xano, value, leaf.path);
}

/** One value of a Xano type (a single column's value, or one element of a list). */
export function checkXanoValue(xano: XanoColumn, value: unknown, path: string): unknown {
  const type = xano.type;
  switch (type) {
    case 'text': {
      if (typeof value !== 'string') throw fail(path, 'a string');
      return applyTextFilters(xano.filters as TextFilters | undefined, normalise(xano.validators, value), path);
    }
    case 'email': {
      const email = typeof value === 'string' ? normalise(xano.validators, value) : value;
      if (typeof email !== 'string' || !EMAIL.test(email)) throw fail(path, 'an email address');
      return email;
    }
    case 'password':
      if (typeof value !== 'string') throw fail(path, 'a string');
      checkPasswordPolicy(xano.filters as PasswordFilters | undefined, value, path);
      return value;
    case 'int':
    case 'decimal': {
      const ok = typeof value === 'number' && (type === 'int' ? Number.isSafeInteger(value) : Number.isFinite(value));
      if (!ok) throw fail(path, type === 'int' ? 'an integer' : 'a number');
      checkRange(xano.filters as NumberFilters | undefined, value as number, path);
      return value;
    }
    case 'bool':
      if (typeof value !== 'boolean') throw fail(path, 'true or false');
      return value;
    case 'timestamp': {
      // In a json list a timestamp is stored as epoch milliseconds; RFC 3339 text is accepted too.
      const ms = typeof value === 'number' && Number.isSafeInteger(value) ? value : typeof value === 'string' ? parseDatetime(value) : undefined;
      if (ms === undefined) throw fail(path, 'a timestamp (epoch milliseconds or RFC 3339)');
      return ms;
    }
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value) || parseDatetime(`${value}T00:00:00Z`) === undefined) throw fail(path, 'a date YYYY-MM-DD');
      return value;
    case 'enum':
      if (typeof value !== 'string' || !(xano.values ?? []).includes(value)) throw fail(path, `one of ${JSON.stringify(xano.values ?? [])}`);
      return value;
    case 'uuid':
      if (typeof value !== 'string' || !UUID.test(value)) throw fail(path, 'a UUID such as 123e4567-e89b-12d3-a456-426614174000');
      return value.toLowerCase();
    case 'json':
      return value;
    case 'vector': {
      const size = xano.vector?.size;
      if (!Array.isArray(value) || !value.every((n) => typeof n === 'number' && Number.isFinite(n))) throw fail(path, 'an array of numbers');
      if (size !== undefined && value.length !== size) throw fail(path, `a vector of ${size} numbers`);
      for (const [i, n] of value.entries()) checkRange(xano.filters as NumberFilters | undefined, n as number, `${path}.${i}`);
      return value;
    }
    case 'object':
      return checkObject(xano, value, path);
    case 'tableref':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw fail(path, 'the integer id of a record');
      return value;
    case 'tablerefuuid':
      if (typeof value !== 'string' || !isValidRecordId(value)) throw fail(path, 'the id of a record');
      return value;
    default: {
      if ((GEO_TYPES as readonly string[]).includes(type)) {
        const problem = geoJsonProblem(type as (typeof GEO_TYPES)[number], value);
        if (problem) throw fail(path, problem);
      } else if ((FILE_TYPES as readonly string[]).includes(type)) {
        const problem = fileMetadataProblem(type as (typeof FILE_TYPES)[number], value);
        if (problem) throw fail(path, problem);
      }
      return value;
    }
  }
}

/** An element of an object list: its fields are the list's children, checked one by one. */
function checkObject(xano: XanoColumn, value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(path, 'an object');
  const fields = new Map((xano.children ?? []).map((child) => [child.name, child]));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const child = fields.get(key);
    if (!child) throw new StrataError('UNKNOWN_COLUMN', `column [${path}.${key}] not found`, { param: `${path}.${key}` });
    if (field === null) {
      if (refusesNull({ notNull: false, xano: child })) throw fail(`${path}.${key}`, 'a value (the field is not nullable)');
      out[key] = null;
    } else if (child.style === 'list') {
      if (!Array.isArray(field)) throw fail(`${path}.${key}`, 'a list (an array)');
      out[key] = field.map((element, i) => checkXanoValue(child, element, `${path}.${key}.${i}`));
    } else {
      out[key] = checkXanoValue(child, field, `${path}.${key}`);
    }
  }
  for (const child of fields.values()) {
    if (child.required && !(child.name in out)) throw fail(`${path}.${child.name}`, 'a value (the field is required)');
  }
  return out;
}

/**
 * A value as a column's `validators` normalise it, before any check (the physical email check
 * included): a string, or each string of a list. Idempotent, so the Xano rules apply them again.
 */
export function normaliseXanoInput(xano: XanoColumn, value: unknown): unknown {
  if (!xano.validators) return value;
  if (typeof value === 'string') return normalise(xano.validators, value);
  return Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? normalise(xano.validators, v) : v)) : value;
}

/** The 2026 descriptor's validators, applied before a type's own checks and filters. */
function normalise(validators: Validators | undefined, text: string): string {
  let out = text;
  if (validators?.trim === true) out = out.trim();
  if (validators?.lower === true) out = out.toLowerCase();
  return out;
}

function checkRange(filters: NumberFilters | undefined, n: number, path: string): void {
  if (filters?.min != null && n < filters.min) throw fail(path, `a number ≥ ${filters.min}`);
  if (filters?.max != null && n > filters.max) throw fail(path, `a number ≤ ${filters.max}`);
}

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string) => /\p{Nd}/u.test(c);

function applyTextFilters(filters: TextFilters | undefined, input: string, path: string): string {
  if (!filters) return input;
  let text = input;
  if (filters.trim) text = text.trim();
  if (filters.lower) text = text.toLowerCase();
  if (filters.upper) text = text.toUpperCase();
  const length = [...text].length;
  if (filters.min != null && length < filters.min) throw fail(path, `text of at least ${filters.min} characters`);
  if (filters.max != null && length > filters.max) throw fail(path, `text of at most ${filters.max} characters`);
  if (filters.startsWith && !text.startsWith(filters.startsWith)) throw fail(path, `text starting with "${filters.startsWith}"`);
  if (filters.pattern && !new RegExp(filters.pattern, 'u').test(text)) throw fail(path, `text matching /${filters.pattern}/`);
  // alphaOk/digitOk allow (default) or refuse letters and digits; `ok`, when given, lists the only other characters allowed.
  for (const c of text) {
    const allowed = isLetter(c) ? filters.alphaOk !== false : isDigit(c) ? filters.digitOk !== false : filters.ok == null || filters.ok.includes(c);
    if (!allowed) throw fail(path, `text without the character "${c}"`);
  }
  return text;
}

function checkPasswordPolicy(filters: PasswordFilters | undefined, password: string, path: string): void {
  if (!filters) return;
  const count = (test: (c: string) => boolean) => [...password].filter(test).length;
  const rules: Array<[number | undefined, () => number, string]> = [
    [filters.min, () => [...password].length, 'characters'],
    [filters.minAlpha, () => count(isLetter), 'letters'],
    [filters.minLowerAlpha, () => count((c) => isLetter(c) && c === c.toLowerCase() && c !== c.toUpperCase()), 'lower-case letters'],
    [filters.minUpperAlpha, () => count((c) => isLetter(c) && c === c.toUpperCase() && c !== c.toLowerCase()), 'upper-case letters'],
    [filters.minDigit, () => count(isDigit), 'digits'],
    [filters.minSymbol, () => count((c) => !isLetter(c) && !isDigit(c)), 'symbols'],
  ];
  for (const [minimum, actual, what] of rules) {
    if (minimum != null && actual() < minimum) throw fail(path, `a password with at least ${minimum} ${what}`);
  }
  if (filters.max != null && [...password].length > filters.max) throw fail(path, `a password of at most ${filters.max} characters`);
}
