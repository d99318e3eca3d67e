import { badRequest } from '../../kernel/errors.js';
import { parseDatetime } from '../values/datetime-text.js';
import type { FieldPaths, ResolvedField } from '../query/field-paths.js';
import { and, TRUE, type Filter } from '../../kernel/plans/filter-ast.js';
import { parseXataFilter } from '../query/xata-filter.js';
import type { NumericModifier, ScoreBooster } from '../../kernel/plans/search-plan.js';

/**
 * Xata's `boosters`: valueBooster, numericBooster and dateBooster, each with an optional
 * `ifMatchesFilter`. Columns resolve like filter paths (link sub-columns join); values and
 * filters are checked against the column types, so a bad booster is a 400.
 */
const MODIFIERS = new Set<NumericModifier>(['none', 'log', 'log1p', 'ln', 'ln1p', 'square', 'sqrt', 'reciprocal']);
const SCALE = /^(\d+)(d|h|m|s|ms)$/;
const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const KINDS = ['valueBooster', 'numericBooster', 'dateBooster'] as const;
export const MAX_BOOSTERS = 32;

type Json = Record<string, unknown>;

export function parseBoosters(input: unknown, paths: FieldPaths, now: number): ScoreBooster[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw badRequest('boosters must be an array');
  if (input.length > MAX_BOOSTERS) throw badRequest(`at most ${MAX_BOOSTERS} boosters`);
  return input.map((item, i) => {
    const kinds = isObject(item) ? KINDS.filter((k) => k in item) : [];
    if (!isObject(item) || kinds.length !== 1 || Object.keys(item).length !== 1) {
      throw badRequest(`boosters[${i}] must be an object with exactly one of ${KINDS.join(', ')}`);
    }
    const kind = kinds[0]!;
    const spec = item[kind];
    if (!isObject(spec)) throw badRequest(`boosters[${i}].${kind} must be an object`);
    const where = `boosters[${i}].${kind}`;
    const column = columnOf(spec, where);
    const when = spec.ifMatchesFilter === undefined || spec.ifMatchesFilter === null ? TRUE : parseXataFilter(spec.ifMatchesFilter, paths);
    if (kind === 'valueBooster') return valueBooster(spec, where, column, when, paths);
    if (kind === 'numericBooster') return numericBooster(spec, where, column, when, paths);
    return dateBooster(spec, where, column, when, paths, now);
  });
}

function valueBooster(spec: Json, where: string, column: string, when: Filter, paths: FieldPaths): ScoreBooster {
  checkKeys(spec, where, ['column', 'value', 'factor', 'ifMatchesFilter']);
  const value = spec.value;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw badRequest(`${where}.value must be a string, a number or a boolean`);
  }
  // "The column holds this value" is the filter {column: value}: typed, and any-element for multiple columns.
  const holds = parseXataFilter({ [column]: value }, paths);
  return { kind: 'multiply', when: and([holds, when]), factor: factorOf(spec, where, true) };
}

function numericBooster(spec: Json, where: string, column: string, when: Filter, paths: FieldPaths): ScoreBooster {
  checkKeys(spec, where, ['column', 'factor', 'modifier', 'ifMatchesFilter']);
  const field = resolve(paths, column, where);
  const c = field.ref.column;
  const numeric = c === 'version' || (typeof c !== 'string' && (c.type === 'int' || c.type === 'float'));
  if (!numeric) throw badRequest(`${where}: column [${column}] is not numeric (int or float)`);
  const modifier = (spec.modifier ?? 'none') as NumericModifier;
  if (!MODIFIERS.has(modifier)) throw badRequest(`${where}.modifier must be one of ${[...MODIFIERS].join(', ')}`);
  return { kind: 'numeric', field: planField(field), factor: factorOf(spec, where, false), modifier, when };
}

function dateBooster(spec: Json, where: string, column: string, when: Filter, paths: FieldPaths, now: number): ScoreBooster {
  checkKeys(spec, where, ['column', 'origin', 'scale', 'decay', 'factor', 'ifMatchesFilter']);
  const field = resolve(paths, column, where);
  const c = field.ref.column;
  const isDate = c === 'createdAt' || c === 'updatedAt' || (typeof c !== 'string' && c.type === 'datetime');
  if (!isDate) throw badRequest(`${where}: column [${column}] is not a datetime column`);
  const scale = typeof spec.scale === 'string' ? SCALE.exec(spec.scale) : null;
  if (!scale || Number(scale[1]) <= 0) throw badRequest(`${where}.scale must be a positive duration such as "10d", "12h", "30m", "5s" or "500ms"`);
  const decay = spec.decay;
  if (typeof decay !== 'number' || !(decay > 0 && decay <= 1)) throw badRequest(`${where}.decay must be a number above 0 and at most 1`);
  let origin = now;
  if (spec.origin !== undefined && spec.origin !== null) {
    const parsed = typeof spec.origin === 'string' ? parseDatetime(spec.origin) : undefined;
    if (parsed === undefined) throw badRequest(`${where}.origin must be an RFC 3339 date-time`);
    origin = parsed;
  }
  const factor = spec.factor === undefined ? 1 : factorOf(spec, where, true);
  return { kind: 'date', field: planField(field), origin, scale: Number(scale[1]) * UNIT_MS[scale[2]!]!, decay, factor, when };
}

function columnOf(spec: Json, where: string): string {
  if (typeof spec.column !== 'string' || spec.column === '') throw badRequest(`${where}.column must be a column name`);
  return spec.column;
}

function resolve(paths: FieldPaths, column: string, where: string): ResolvedField {
  try {
    return paths.resolve(column);
  } catch (err) {
    throw badRequest(`${where}: ${(err as Error).message}`);
  }
}

const planField = (field: ResolvedField) => ({ tableAlias: field.ref.tableAlias, column: field.ref.column });

function factorOf(spec: Json, where: string, nonNegative: boolean): number {
  const factor = spec.factor;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || (nonNegative && factor < 0)) {
    throw badRequest(`${where}.factor must be a ${nonNegative ? 'non-negative ' : ''}number`);
  }
  return factor;
}

function checkKeys(spec: Json, where: string, allowed: string[]): void {
  const extra = Object.keys(spec).find((k) => !allowed.includes(k));
  if (extra) throw badRequest(`${where}: unknown property [${extra}]`);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
