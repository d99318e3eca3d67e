/**
 * The benchmark's data set, shared by the seeder, the HTTP scenarios and the bare baseline:
 * one table `items` in `bench:main` with a string, int, float, bool, datetime and unique string column,
 * rows with explicit ids r000001…r100000.
 */
export const DB = 'bench';
export const BRANCH = 'main';
export const TABLE = 'items';
export const WORKSPACE = 'local';

export const COLUMNS = [
  { name: 'name', type: 'string' },
  { name: 'age', type: 'int' },
  { name: 'score', type: 'float' },
  { name: 'active', type: 'bool' },
  { name: 'born', type: 'datetime' },
  // Unique, so indexed: the `query-indexed` scenario filters and sorts on it.
  { name: 'code', type: 'string', unique: true },
];

const BASE_MS = Date.UTC(1990, 0, 1);

export const idOf = (i) => `r${String(i).padStart(6, '0')}`;
export const codeOf = (i) => `c${String(i).padStart(6, '0')}`;

/** Logical values of row i (datetime as epoch ms, as the storage layer takes them). */
export function rowValues(i) {
  return {
    name: `item number ${i}`,
    age: i % 100,
    score: ((i * 7919) % 100000) / 100,
    active: i % 2 === 0,
    born: BASE_MS + i * 60_000,
    code: codeOf(i),
  };
}

/** Row i as an API record body (datetime as RFC 3339). */
export function rowBody(i) {
  const v = rowValues(i);
  return { ...v, born: new Date(v.born).toISOString() };
}

/** A record as the API returns it: what the bare baseline answers with. */
export function sampleRecord(i = 42) {
  const at = new Date(BASE_MS + 86_400_000).toISOString();
  return { id: idOf(i), xata: { version: 0, createdAt: at, updatedAt: at }, ...rowBody(i) };
}
