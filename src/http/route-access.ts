import { SCOPE_ACTIONS, SCOPE_OBJECTS, type Scope } from '../core/auth/scopes.js';
import type { Actor } from '../core/auth/tokens.js';

/**
 * Every route declares, next to its schema, who may call it: `public`, or the scopes a
 * token needs (all of them). auth-hook.ts turns that into the route's guard; a route that
 * declares nothing is refused at start-up, so nothing is reachable by accident.
 *
 * A guarded route also acts inside a workspace when its path names one: `:workspace_id`
 * (the Metadata API's id), `:dbBranch` or `:db` (the data API's database name). The guard
 * finds it by those names unless the route says otherwise (`workspace`), and then requires
 * the account's role there to allow the scopes too (a non-member gets 404).
 */
export type WorkspaceParam = 'workspace_id' | 'dbBranch' | 'db';
export type RouteAccess =
  | { public: true }
  | { scopes: Scope[]; workspace?: WorkspaceParam | null; instanceOwner?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    actor?: Actor;
    /** What this request may do: the credential's scopes AND the account's role in the route's workspace. */
    grant?: number;
    /**
     * The workspace the guard checked, resolved once from the path: a Metadata API workspace id
     * or a data API database name. Handlers act on this, never on their own reading of the path.
     */
    workspace?: number | string;
  }
}

export const needs = (...scopes: Array<`${Scope['object']}:${Scope['action']}`>): { access: RouteAccess } => ({
  access: { scopes: scopes.map((s) => { const [object, action] = s.split(':'); return { object, action } as Scope; }) },
});

export const isPublic: { access: RouteAccess } = { access: { public: true } };

/** A valid token, whatever its scopes: for "who am I" (the Metadata API's /auth/me). */
export const anyToken: { access: RouteAccess } = { access: { scopes: [] } };

/** Every scope: managing accounts, members and tokens (a console session has every scope). */
export const fullAccess: { access: RouteAccess } = {
  access: { scopes: SCOPE_OBJECTS.flatMap((object) => SCOPE_ACTIONS.map((action) => ({ object, action }))) },
};

/** Only instance owners (creating workspaces, instance settings, accounts); no workspace role applies. */
export const instanceOwners = (config: { access: RouteAccess }): { access: RouteAccess } =>
  ({ access: { ...config.access, instanceOwner: true, workspace: null } as RouteAccess });

/** The path parameter naming the route's workspace, by convention (see above). */
export function workspaceParamOf(url: string): WorkspaceParam | null {
  if (/:workspace_id\b/.test(url)) return 'workspace_id';
  if (/:dbBranch\b/.test(url)) return 'dbBranch';
  if (/:db\b/.test(url)) return 'db';
  return null;
}
