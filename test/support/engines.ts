import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, inject } from 'vitest';
import { createTestDatabase } from './postgres.js';

/** One storage engine under test, and how to get a fresh, private instance of it. */
export interface EngineUnderTest {
  name: 'sqlite' | 'postgres';
  /** Fresh storage configuration; `cleanup` removes it. */
  provision(): Promise<{ config: { dataDir: string; databaseUrl?: string }; cleanup: () => Promise<void> }>;
}

export const sqliteEngine: EngineUnderTest = {
  name: 'sqlite',
  async provision() {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-test-'));
    return { config: { dataDir }, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  },
};

export const postgresEngine: EngineUnderTest = {
  name: 'postgres',
  async provision() {
    const db = await createTestDatabase();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-test-pg-'));
    return {
      config: { dataDir, databaseUrl: db.url },
      cleanup: async () => { await db.drop(); fs.rmSync(dataDir, { recursive: true, force: true }); },
    };
  },
};

/** Runs the same suite on every engine: `[sqlite] …` always, `[postgres] …` when the server is there. */
export function describeEachEngine(title: string, suite: (engine: EngineUnderTest) => void): void {
  describe(`[sqlite] ${title}`, () => suite(sqliteEngine));
  describe.skipIf(!inject('postgresAvailable'))(`[postgres] ${title}`, () => suite(postgresEngine));
}
