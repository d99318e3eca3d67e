import { StrataError, badRequest } from '../../kernel/errors.js';
import type { MigrationRow } from '../ports/storage.js';
import type { MigrationOp } from './migration-ops.js';

/** A migration as `xata push` sends it (Xata's MigrationObject). */
export interface PushedMigration { id: string; parentID?: string; operations: MigrationOp[] }

const MIGRATION_ID = /^[a-zA-Z0-9_\-~]{1,255}$/;

/**
 * Which pushed migrations the branch still needs, checked against its log: those it already
 * has (same id) are skipped, and the rest must continue the branch's newest migration — the
 * first one's parentID names it, each later one's the migration before it. Anything else is
 * a 409 that says to pull first; nothing is applied then.
 */
export function migrationsToApply(input: unknown, log: MigrationRow[]): PushedMigration[] {
  if (!Array.isArray(input)) throw badRequest('migrations must be an array');
  const pushed = input.map((m, index) => checkMigration(m, index));
  const known = new Set(log.map((m) => m.id));
  const fresh = pushed.filter((m) => !known.has(m.id));
  let parent = log[log.length - 1]?.id ?? '';
  for (const migration of fresh) {
    if ((migration.parentID ?? '') !== parent) {
      throw new StrataError('CONFLICT', `migration [${migration.id}] follows [${migration.parentID ?? ''}], but the branch's newest migration is [${parent}]: pull the branch's migrations first (xata pull)`);
    }
    parent = migration.id;
  }
  return fresh;
}

function checkMigration(value: unknown, index: number): PushedMigration {
  const m = value as { id?: unknown; parentID?: unknown; operations?: unknown } | null;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw badRequest(`migrations[${index}] must be an object with id and operations`);
  if (typeof m.id !== 'string' || !MIGRATION_ID.test(m.id)) throw badRequest(`migrations[${index}].id must be 1 to 255 letters, digits, '_', '-' or '~'`);
  if (m.parentID !== undefined && typeof m.parentID !== 'string') throw badRequest(`migrations[${index}].parentID must be a string`);
  if (!Array.isArray(m.operations)) throw badRequest(`migrations[${index}].operations must be an array`);
  return { id: m.id, ...(m.parentID ? { parentID: m.parentID } : {}), operations: m.operations as MigrationOp[] };
}
