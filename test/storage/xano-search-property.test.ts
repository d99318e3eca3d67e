import { expect, it } from 'vitest';
import fc from 'fast-check';
import { describeEachEngine } from '../support/engines.js';
import { usePropertyTable } from './property-table.js';
import { evaluate, type Row } from '../support/filter-eval.js';
import { parseXanoSearch } from '../../src/core/query/xano-search.js';
import type { Filter } from '../../src/kernel/plans/filter-ast.js';

/**
 * Property tests of the Metadata API's search formats: random rows and random chains of
 * conditions, written as format A ("col|op|or" keys) and as format B (statements, nested
 * groups, typed tags). For each: the engine's SQL must return what the in-memory evaluation
 * of the same AST returns; both formats must select the same records; and a flat chain must
 * agree with an independent reading of Xano's semantics (SQL precedence: AND before OR;
 * negations match missing values).
 */
const CHARS = ['a', 'b', 'A', 'B', '%', '_', '\\', 'é', ' '];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 3 }).map((cs) => cs.join(''));
const int = fc.integer({ min: -3, max: 3 });
const float = fc.constantFrom(-1.5, 0, 0.25, 2);
const MS = [0, 86_400_000, 1_700_000_000_000, 1_700_006_400_000];
const TAGS = ['x', 'y', 'xy', 'Y', '%'];
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
const recordArb = fc.record({
  s: maybe(text), n: maybe(int), f: maybe(float), b: maybe(fc.boolean()), d: maybe(fc.constantFrom(...MS)),
  tags: maybe(fc.array(fc.constantFrom(...TAGS), { maxLength: 3 })),
});

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'like' | 'not like' | 'ilike' | 'not ilike';
/** One condition, before it is written in either format. `value` is what format A sends. */
interface Cond { col: string; op: Op; value: unknown; or: boolean }

const ORDER: Op[] = ['=', '!=', '<', '<=', '>', '>='];
const LIKE: Op[] = ['like', 'not like', 'ilike', 'not ilike'];
const dateValue = fc.constantFrom(...MS).chain((ms) => fc.constantFrom<unknown>(ms, new Date(ms).toISOString(), ...(ms % 86_400_000 === 0 ? [new Date(ms).toISOString().slice(0, 10)] : [])));
const scalar = (col: string, ops: Op[], value: fc.Arbitrary<unknown>) => fc.record({ col: fc.constant(col), op: fc.constantFrom(...ops), value, or: fc.boolean() });
const list = (col: string, value: fc.Arbitrary<unknown>) => fc.record({ col: fc.constant(col), op: fc.constantFrom<Op>('in', 'not in'), value: fc.array(value, { maxLength: 3 }), or: fc.boolean() });
const condArb: fc.Arbitrary<Cond> = fc.oneof(
  scalar('s', [...ORDER, ...LIKE], text), list('s', text),
  scalar('n', ORDER, int), list('n', int),
  scalar('f', ORDER, float),
  scalar('b', ['=', '!='], fc.boolean()),
  scalar('d', ORDER, dateValue), list('d', dateValue),
  scalar('tags', ['=', '!=', ...LIKE], fc.constantFrom(...TAGS, 'X', '_')), list('tags', fc.constantFrom(...TAGS)),
  scalar('id', ['=', '!=', '<', '>', 'like'], fc.constantFrom('r000', 'r001', 'r01%')),
  fc.record({ col: fc.constantFrom('s', 'n', 'f', 'b', 'd', 'tags'), op: fc.constantFrom<Op>('=', '!='), value: fc.constant(null), or: fc.boolean() }),
) as fc.Arbitrary<Cond>;

const toA = (conds: Cond[]) => conds.map((c) => ({ [`${c.col}|${c.op}${c.or ? '|or' : ''}`]: c.value }));

/** Format B, with a typed tag where one fits (ints as text under const:int, booleans under const:bool, dates under const:date). */
function statement(c: Cond, wrap: boolean) {
  const tag = c.value === null ? 'const' : c.col === 'n' ? 'const:int' : c.col === 'b' ? 'const:bool' : c.col === 'd' ? 'const:date' : 'const';
  const operand = c.col === 'n' || c.col === 'b' ? (Array.isArray(c.value) ? c.value.map(String) : c.value === null ? null : String(c.value)) : c.value;
  const s = { left: { tag: 'col', operand: c.col }, op: c.op, right: { tag, operand } };
  return wrap ? { type: 'statement', or: c.or, statement: s } : { type: 'statement', or: c.or, ...s };
}
/** Random B trees: chains of statements and groups. */
type Tree = { cond: Cond } | { group: Tree[]; or: boolean };
const treeArb: fc.Arbitrary<Tree[]> = fc.letrec((tie) => ({
  chain: fc.array(tie('item'), { minLength: 1, maxLength: 4 }),
  item: fc.oneof({ depthSize: 'small' }, condArb.map((cond) => ({ cond })), fc.record({ group: tie('chain'), or: fc.boolean() })),
})).chain as fc.Arbitrary<Tree[]>;
const toB = (trees: Tree[], wrap: boolean): unknown[] => trees.map((t) => ('cond' in t ? statement(t.cond, wrap) : { type: 'group', or: t.or, group: { expression: toB(t.group, true) } }));

/** Xano's meaning of one condition on a row, read directly (no AST). */
function holds(c: Cond, row: Row): boolean {
  const x = c.col === 'id' ? row.id : row.values[c.col] ?? null;
  if (c.value === null) return c.op === '=' ? x === null : x !== null;
  const negated = c.op === '!=' || c.op.startsWith('not ');
  const positive: Op = c.op === '!=' ? '=' : negated ? c.op.slice(4) as Op : c.op;
  const test = (v: unknown): boolean => {
    if (v === null) return false;
    const want = (w: unknown) => (c.col === 'd' ? (typeof w === 'number' ? w : Date.parse(String(w).length === 10 ? `${String(w)}T00:00:00Z` : String(w))) : w);
    switch (positive) {
      case '=': return v === want(c.value);
      case '<': return (v as number) < (want(c.value) as number);
      case '<=': return (v as number) <= (want(c.value) as number);
      case '>': return (v as number) > (want(c.value) as number);
      case '>=': return (v as number) >= (want(c.value) as number);
      case 'in': return (c.value as unknown[]).map(want).includes(v);
      default: {
        const fold = (s: string) => (positive === 'ilike' ? s.replace(/[A-Z]/g, (ch) => ch.toLowerCase()) : s);
        let source = '';
        const p = fold(c.value as string);
        for (let i = 0; i < p.length; i++) {
          const ch = p[i]!;
          if (ch === '\\' && i + 1 < p.length) source += p[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          else source += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        }
        return new RegExp(`^${source}$`, 'su').test(fold(v as string));
      }
    }
  };
  const matched = c.col === 'tags' ? x !== null && (x as unknown[]).some(test) : test(x);
  return negated ? !matched : matched;
}
/** A chain with SQL precedence: OR-separated runs of ANDed conditions. */
function chainHolds(conds: Cond[], row: Row): boolean {
  const runs: Cond[][] = [];
  conds.forEach((c, i) => (i === 0 || c.or ? runs.push([c]) : runs[runs.length - 1]!.push(c)));
  return conds.length === 0 || runs.some((run) => run.every((c) => holds(c, row)));
}

describeEachEngine('Xano search formats: SQL agrees with the in-memory evaluation', (engine) => {
  const t = usePropertyTable(engine);
  async function load(records: Array<Record<string, unknown>>): Promise<Row[]> {
    const rows = records.map((values, i) => ({ id: `r${String(i).padStart(3, '0')}`, values }));
    await t.load(rows);
    return rows;
  }
  const select = (where: Filter) => t.selectIds(where);
  const parse = (search: unknown) => parseXanoSearch(search, t.paths());

  it('format A chains: SQL = evaluator = Xano\'s semantics read directly', async () => {
    await fc.assert(fc.asyncProperty(fc.array(recordArb, { maxLength: 20 }), fc.array(fc.array(condArb, { maxLength: 5 }), { minLength: 1, maxLength: 6 }), async (records, chains) => {
      const rows = await load(records);
      for (const conds of chains) {
        const where = parse(toA(conds));
        const expected = rows.filter((row) => evaluate(where, row)).map((r) => r.id);
        expect(await select(where), JSON.stringify(toA(conds))).toEqual(expected);
        expect(rows.filter((row) => chainHolds(conds, row)).map((r) => r.id), JSON.stringify(toA(conds))).toEqual(expected);
      }
    }), { numRuns: 80 });
  });

  it('format B trees: SQL = evaluator; a flat chain selects what format A selects', async () => {
    await fc.assert(fc.asyncProperty(fc.array(recordArb, { maxLength: 20 }), fc.array(treeArb, { minLength: 1, maxLength: 5 }), fc.boolean(), async (records, trees, wrap) => {
      const rows = await load(records);
      for (const tree of trees) {
        const where = parse(toB(tree, wrap));
        const expected = rows.filter((row) => evaluate(where, row)).map((r) => r.id);
        expect(await select(where), JSON.stringify(toB(tree, wrap))).toEqual(expected);
        const flat = tree.flatMap((t) => ('cond' in t ? [t.cond] : []));
        if (flat.length === tree.length) expect(expected).toEqual(rows.filter((row) => evaluate(parse(toA(flat)), row)).map((r) => r.id));
      }
    }), { numRuns: 80 });
  });
});
