import fc from 'fast-check';

/**
 * Random data and random Xata filters and sorts over the property table (property-table.ts:
 * s string, n int, f float, b bool, d datetime, tags multiple, j json). Small value domains make
 * ties, matches, missing values and SQL-special characters (%, _, *, ?, \\) common.
 */
const CHARS = ['a', 'b', 'A', 'B', '%', '_', '*', '?', '\\', 'é', 'É', ' '];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 3 }).map((cs) => cs.join(''));
const int = fc.integer({ min: -3, max: 3 });
const float = fc.constantFrom(-1.5, 0, 0.25, 2, 1e-3);
const dates = [0, 86_400_000, 1_700_000_000_000, 1_700_000_000_001].map((ms) => new Date(ms).toISOString());
const date = fc.constantFrom(...dates);
const TAGS = ['x', 'y', 'xy', 'Y', '%'];
const tags = fc.array(fc.constantFrom(...TAGS), { maxLength: 3 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });

// JSON values: a few paths holding strings, numbers, booleans, null, objects and arrays.
const jsonScalar = fc.oneof(text, int, float, fc.boolean(), fc.constant(null));
const jsonB = fc.record({ c: fc.oneof(int, text) }, { requiredKeys: [] });
const jsonArr = fc.array(fc.oneof(fc.constantFrom(...TAGS), int), { maxLength: 3 });
const json = fc.record({ a: fc.oneof(jsonScalar, jsonB, jsonArr), b: jsonB, arr: jsonArr }, { requiredKeys: [] });

export const recordArb = fc.record({ s: maybe(text), n: maybe(int), f: maybe(float), b: maybe(fc.boolean()), d: maybe(date), tags: maybe(tags), j: maybe(json) });

const textOps = fc.oneof(
  text.map((v) => v),
  fc.record({ op: fc.constantFrom('$is', '$isNot', '$contains', '$iContains', '$startsWith', '$endsWith', '$pattern', '$iPattern', '$gt', '$le'), v: text }).map(({ op, v }) => ({ [op]: v })),
  fc.array(text, { minLength: 1, maxLength: 3 }).map((vs) => ({ $any: vs })),
);
const numberOps = (arb: fc.Arbitrary<number>) => fc.oneof(
  arb,
  fc.record({ op: fc.constantFrom('$is', '$isNot', '$gt', '$ge', '$lt', '$le'), v: arb }).map(({ op, v }) => ({ [op]: v })),
  fc.tuple(arb, arb).map(([a, b]) => ({ $ge: Math.min(a, b), $lt: Math.max(a, b) })),
  fc.array(arb, { minLength: 1, maxLength: 3 }),
);
const dateOps = fc.record({ op: fc.constantFrom('$is', '$isNot', '$gt', '$ge', '$lt', '$le'), v: date }).map(({ op, v }) => ({ [op]: v }));
const elementPred = fc.oneof(
  fc.constantFrom(...TAGS),
  fc.record({ op: fc.constantFrom('$contains', '$iContains', '$startsWith', '$pattern', '$isNot'), v: fc.constantFrom(...TAGS, 'X', '?') }).map(({ op, v }) => ({ [op]: v })),
);
const tagOps = fc.oneof(
  fc.constantFrom(...TAGS),
  fc.record({ op: fc.constantFrom('$includes', '$includesAny', '$includesAll', '$includesNone'), p: elementPred }).map(({ op, p }) => ({ [op]: p })),
);
const jsonPath = fc.constantFrom('j->a', 'j->b->c', 'j->b', 'j->arr', 'j->arr->0', 'j->a->c', 'j->a->1');
const jsonOperand = fc.oneof(text, int, float);
const jsonOps = fc.oneof(
  fc.oneof(jsonOperand, fc.boolean()),
  fc.record({ op: fc.constantFrom('$is', '$isNot', '$gt', '$ge', '$lt', '$le'), v: jsonOperand }).map(({ op, v }) => ({ [op]: v })),
  fc.record({ op: fc.constantFrom('$contains', '$iContains', '$startsWith', '$endsWith', '$pattern', '$iPattern'), v: fc.oneof(text, fc.constantFrom(...TAGS)) }).map(({ op, v }) => ({ [op]: v })),
  fc.array(fc.oneof(jsonOperand, fc.constantFrom(...TAGS)), { minLength: 1, maxLength: 3 }).map((vs) => ({ $any: vs })),
  fc.oneof(jsonB, jsonArr).map((v) => JSON.stringify(v)),
  fc.oneof(jsonB, jsonArr).map((v) => ({ $isNot: JSON.stringify(v) })),
  fc.boolean().map((v) => ({ $isNot: v })),
);
const leaf = fc.oneof(
  textOps.map((p) => ({ s: p })),
  numberOps(int).map((p) => ({ n: p })),
  numberOps(float).map((p) => ({ f: p })),
  fc.boolean().map((v) => ({ b: v })),
  fc.boolean().map((v) => ({ b: { $isNot: v } })),
  dateOps.map((p) => ({ d: p })),
  tagOps.map((p) => ({ tags: p })),
  fc.constantFrom('s', 'n', 'f', 'b', 'd', 'tags', 'j').chain((c) => fc.constantFrom({ $exists: c }, { $notExists: c })),
  fc.tuple(jsonPath, jsonOps).map(([path, p]) => ({ [path]: p })),
  jsonPath.chain((path) => fc.constantFrom({ $exists: path }, { $notExists: path })),
  json.map((v) => ({ j: JSON.stringify(v) })),
);
export const filterArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ op: fc.constantFrom('$all', '$any', '$none', '$not'), list: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }).map(({ op, list }) => ({ [op]: list })),
    tie('node').map((f) => ({ $not: f })),
  ),
})).node as fc.Arbitrary<Record<string, unknown>>;
export const sortArb = fc.array(fc.record({ c: fc.constantFrom('s', 'n', 'f', 'b', 'd'), dir: fc.constantFrom('asc', 'desc') }), { minLength: 1, maxLength: 3 })
  .map((keys) => keys.map(({ c, dir }) => ({ [c]: dir })));

