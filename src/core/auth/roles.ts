import { badRequest } from '../../kernel/errors.js';
import { FULL_ACCESS, READ_ONLY, SCOPE_ACTIONS, scopeBit, type ScopeObject } from './scopes.js';

/**
 * Workspace roles, as permission masks of the same shape as token scopes (16 bits), so a
 * request's permission is one AND: token scopes & the account's mask in that workspace.
 * A membership may carry a custom mask instead of its role's.
 */
export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const all = (object: ScopeObject) => SCOPE_ACTIONS.reduce((mask, action) => mask | scopeBit(object, action), 0);

export const ROLE_MASKS: Record<Role, number> = {
  // Owners and admins may do everything with the workspace's data; they differ in who may
  // manage whom (an admin cannot make or change an owner, see members.ts).
  owner: FULL_ACCESS,
  admin: FULL_ACCESS,
  // Editors change records and files but not the schema; they read the rest.
  editor: all('content') | all('files') | scopeBit('database', 'read') | scopeBit('history', 'read'),
  viewer: READ_ONLY,
};

export function parseRole(text: string): Role {
  if (!(ROLES as readonly string[]).includes(text)) throw badRequest(`unknown role [${text}]: use ${ROLES.join(', ')}`);
  return text as Role;
}
