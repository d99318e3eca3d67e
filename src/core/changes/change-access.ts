import { allows } from '../auth/scopes.js';
import type { Actor } from '../auth/tokens.js';
import type { ChangeRow } from '../ports/change-log.js';

/** Where an event happened, for access decisions. */
export interface ChangeScope { databaseId: number; databaseName: string; branchName: string }

/**
 * Whether a subscriber may receive one event: its token (or session) AND its role in the
 * event's workspace must both allow reading content. The one place to extend with per-table
 * rules; it runs for every event on every stream, so it stays an in-memory check.
 */
export function mayReceive(actor: Actor, scope: ChangeScope, _event: ChangeRow): boolean {
  return allows(actor.scopes & actor.access.mask(scope.databaseId), { object: 'content', action: 'read' });
}
