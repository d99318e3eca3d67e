import fc from 'fast-check';

/**
 * Random statements of the SQL subset over two seeded tables (people p, teams t), for the
 * property test that runs each on both engines. Every generated statement orders its answer
 * completely (by a unique key), so both engines must agree row for row. Constants are sent
 * as parameters half the time, as text, the way the SDK sends them.
 */
export interface GeneratedSql { statement: string; params: string[] }

type Part = (params: string[]) => string;

const NAMES = ['ann', 'Ann', 'bob', 'cara', 'Bo', 'dan b'];
export const PEOPLE = Array.from({ length: 30 }, (_, i) => ({
  id: `p${String(i).padStart(2, '0')}`,
  name: i % 7 === 6 ? null : NAMES[i % NAMES.length]!,
  age: i % 5 === 4 ? null : 18 + ((i * 7) % 13),
  score: i % 6 === 5 ? null : ((i * 3) % 9) / 2,
  active: i % 3 !== 0,
  team: i % 4 === 3 ? null : ['red', 'blue', 'green'][i % 3]!,
}));
export const TEAMS = [{ id: 'red', name: 'Red', size: 3 }, { id: 'blue', name: 'blue', size: 5 }, { id: 'green', name: 'Green', size: 1 }, { id: 'gray', name: 'gray', size: 0 }];

/** A constant: inline, or a parameter (text, as xata.sql sends it). */
const constant = (value: number | string): fc.Arbitrary<Part> => fc.boolean().map((asParam) => (params: string[]) => {
  if (!asParam) return typeof value === 'number' ? String(value) : `'${value}'`;
  params.push(String(value));
  return `$${params.length}`;
});

const intColumn = fc.constantFrom('p.age', 'p.xata_version');
const textColumn = fc.constantFrom('p.name', 'p.id', 'p.team');

const condition: fc.Arbitrary<Part> = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.tuple(intColumn, fc.constantFrom('=', '<>', '<', '>', '<=', '>='), fc.integer({ min: 15, max: 32 }).chain(constant))
      .map(([c, op, v]) => (p: string[]) => `${c} ${op} ${v(p)}`),
    fc.tuple(fc.constantFrom('p.score'), fc.constantFrom('<', '>='), fc.constantFrom(1, 2.5, 3).chain(constant))
      .map(([c, op, v]) => (p: string[]) => `${c} ${op} ${v(p)}`),
    fc.tuple(textColumn, fc.constantFrom('=', '<>', '<', '>'), fc.constantFrom('ann', 'bob', 'Bo', 'p10', 'red').chain(constant))
      .map(([c, op, v]) => (p: string[]) => `${c} ${op} ${v(p)}`),
    fc.tuple(fc.constantFrom('p.name', 'p.age', 'p.score', 'p.team'), fc.boolean())
      .map(([c, not]) => () => `${c} IS ${not ? 'NOT ' : ''}NULL`),
    fc.tuple(fc.constantFrom('LIKE', 'ILIKE', 'NOT LIKE', 'NOT ILIKE'), fc.constantFrom('a%', '%b%', 'b_', '%N', 'ann').chain(constant))
      .map(([op, v]) => (p: string[]) => `p.name ${op} ${v(p)}`),
    fc.tuple(fc.integer({ min: 15, max: 25 }), fc.integer({ min: 0, max: 8 }), fc.boolean())
      .map(([low, width, not]) => () => `p.age ${not ? 'NOT ' : ''}BETWEEN ${low} AND ${low + width}`),
    fc.subarray(['red', 'blue', 'gray', 'nope'], { minLength: 1 }).map((ids) => () => `p.team IN (${ids.map((i) => `'${i}'`).join(', ')})`),
    fc.constantFrom('p.active', 'NOT p.active', 'p.active = true', 'p.active IS FALSE').map((c) => () => c),
    fc.integer({ min: 0, max: 5 }).map((k) => () => `p.team IN (SELECT t.id FROM teams t WHERE t.size > ${k})`),
    fc.constantFrom('', 'NOT ').map((not) => () => `${not}EXISTS (SELECT 1 FROM teams t WHERE t.id = p.team AND t.name ILIKE 'g%')`),
  ),
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    tie('leaf') as fc.Arbitrary<Part>,
    fc.tuple(tie('node') as fc.Arbitrary<Part>, fc.constantFrom('AND', 'OR'), tie('node') as fc.Arbitrary<Part>).map(([a, op, b]) => (p: string[]) => `(${a(p)} ${op} ${b(p)})`),
    (tie('node') as fc.Arbitrary<Part>).map((a) => (p: string[]) => `NOT (${a(p)})`),
  ),
})).node;

const valueExpr: fc.Arbitrary<Part> = fc.oneof(
  fc.constantFrom('p.name', 'p.age', 'p.score', 'p.active', 'p.team', 'p.xata_version').map((c) => () => c),
  fc.constantFrom('p.age + 1', 'p.age * 2 - p.xata_version', 'coalesce(p.age, 0)', "coalesce(p.name, '-')", 'upper(p.name)', 'lower(p.name)',
    'length(p.name)', "p.name || '!'", 'CASE WHEN p.age > 25 THEN 1 WHEN p.age IS NULL THEN -1 ELSE 0 END', 'p.age > 20', 'p.name IS NULL',
    'abs(p.age - 25)', 'p.age::text', "substring(p.name from 1 for 2)", 'nullif(p.age, 18)').map((e) => () => e),
);

const joinClause = fc.constantFrom('', ' LEFT JOIN teams t ON t.id = p.team', ' JOIN teams t ON t.id = p.team');

const rowsQuery: fc.Arbitrary<Part> = fc.tuple(
  fc.array(valueExpr, { minLength: 1, maxLength: 4 }), joinClause, fc.option(condition), fc.boolean(),
  fc.option(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.option(fc.integer({ min: 0, max: 10 }))))
).map(([exprs, join, where, desc, limit]) => (p: string[]) => {
  const columns = exprs.map((e, i) => `${e(p)} AS c${i}`).join(', ');
  const teamColumn = join ? ', t.name AS team_name' : '';
  let text = `SELECT p.id, ${columns}${teamColumn} FROM people p${join}`;
  if (where) text += ` WHERE ${where(p)}`;
  text += ` ORDER BY p.id${desc ? ' DESC' : ''}`;
  if (limit) text += ` LIMIT ${limit[0]}${limit[1] !== null ? ` OFFSET ${limit[1]}` : ''}`;
  return text;
});

const groupQuery: fc.Arbitrary<Part> = fc.tuple(
  fc.constantFrom('p.team', 'p.active', 'p.age', 'p.name', 'upper(p.name)', 't.name'),
  fc.subarray(['count(*)', 'count(p.age)', 'count(DISTINCT p.name)', 'sum(p.age)', 'min(p.name)', 'max(p.score)', 'sum(p.score)', 'avg(p.age)',
    'count(*) FILTER (WHERE p.active)', 'max(p.age) - min(p.age)'], { minLength: 1, maxLength: 4 }),
  fc.option(condition), fc.option(fc.integer({ min: 0, max: 4 })), fc.boolean(),
).map(([key, aggregates, where, having, desc]) => (p: string[]) => {
  const join = key.startsWith('t.') ? ' LEFT JOIN teams t ON t.id = p.team' : '';
  let text = `SELECT ${key} AS g, ${aggregates.map((a, i) => `${a} AS a${i}`).join(', ')} FROM people p${join}`;
  if (where) text += ` WHERE ${where(p)}`;
  text += ` GROUP BY ${key}`;
  if (having !== null) text += ` HAVING count(*) > ${having}`;
  return `${text} ORDER BY g${desc ? ' DESC' : ''}`;
});

const cteQuery: fc.Arbitrary<Part> = fc.tuple(fc.option(condition), fc.constantFrom('UNION', 'UNION ALL', 'EXCEPT', 'INTERSECT')).map(([where, op]) => (p: string[]) => {
  const inner = `SELECT p.id, p.team FROM people p${where ? ` WHERE ${where(p)}` : ''}`;
  return `WITH chosen AS (${inner}) SELECT c.team AS v FROM chosen c ${op} SELECT t.id FROM teams t WHERE t.size > 2 ORDER BY v`;
});

export const statement: fc.Arbitrary<GeneratedSql> = fc.oneof(rowsQuery, rowsQuery, groupQuery, cteQuery).map((build) => {
  const params: string[] = [];
  const text = build(params);
  return { statement: text, params };
});
