/**
 * Runs compiled SQL text directly on the engine's driver, skipping Kysely's execution
 * pipeline, with rows as arrays in select-list order. Used by the hot reads (the token
 * lookup, record selects); Kysely still builds and compiles their SQL once.
 */
export type ArrayQuery = (text: string, params: readonly unknown[]) => unknown[][] | Promise<unknown[][]>;

/** Runs a compiled statement that returns no rows directly; answers the number of rows changed. */
export type RunQuery = (text: string, params: readonly unknown[]) => number | Promise<number>;
