import { loadModule, parseSync } from 'libpg-query';
import { StrataError } from '../errors.js';
import { LruCache } from '../lru-cache.js';

/**
 * PostgreSQL's own grammar (libpg-query: the server's parser compiled to WASM), so a
 * statement means to Strata exactly what it would mean to PostgreSQL: quoting, comments,
 * unicode escapes and dollar quoting are resolved by the parser, never by string checks.
 */
export type SqlNode = Record<string, unknown>;

let ready: Promise<void> | undefined;

/** Loads the parser once per process (a few ms; the first SQL request waits for it). */
export function sqlParserReady(): Promise<void> {
  ready ??= loadModule();
  return ready;
}

export const invalidSql = (message: string) => new StrataError('BAD_REQUEST', `invalid SQL: ${message}`);

/**
 * Parsed trees by statement text: apps send the same few statements with new parameters, so
 * each text is parsed once. The trees are frozen because every request that sends the text
 * shares one (and later stages cache their own work per tree, see sql-compile.ts).
 */
const parsed = new LruCache<string, SqlNode>(500);

/** One statement's AST (`{SelectStmt: …}`); empty input or several statements are refused. */
export async function parseStatement(text: string): Promise<SqlNode> {
  const cached = parsed.get(text);
  if (cached) return cached;
  await sqlParserReady();
  let result: { stmts?: Array<{ stmt: SqlNode }> };
  try {
    result = parseSync(text) as typeof result;
  } catch (err) {
    throw invalidSql(String((err as Error).message ?? err));
  }
  const stmts = result.stmts ?? [];
  if (stmts.length === 0) throw invalidSql('the statement is empty');
  if (stmts.length > 1) throw invalidSql(`one statement per request (this text holds ${stmts.length}); use /sql/batch for several`);
  const stmt = deepFreeze(stmts[0]!.stmt);
  parsed.set(text, stmt);
  return stmt;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
