import { allows } from '../auth/scopes.js';
import type { Actor } from '../auth/tokens.js';
import type { ChangeRow } from '../../storage/change-log-sql.js';

/** Where an event happened, for access decisions. */
export interface ChangeScope { databaseId: number; databaseName: string; branchName: string }

/**
 * Whether a subscriber may receive one event. Today: a token that may read content. This is
 * the one place to extend with roles, workspace memberships or per-table rules; it runs for
 * every event on every stream, so keep it to in-memory checks.
 */
export function mayReceive(actor: Actor, _scope: ChangeScope, _event: ChangeRow): boolean {
  return allows(actor.token.scopes, { object: 'content', action: 'read' });
}
