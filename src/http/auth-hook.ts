import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { allows, scopeBit, type Scope } from '../core/auth/scopes.js';
import { csrfToken } from '../core/auth/sessions.js';
import { canonicalId } from '../core/ids.js';
import type { Actor } from '../core/auth/tokens.js';
import { StrataError } from '../kernel/errors.js';
import type { Strata } from '../core/strata.js';
import { AuthLimits } from './rate-limits.js';
import { workspaceParamOf, type RouteAccess, type WorkspaceParam } from './route-access.js';
import { invalidPathId } from './path-ids.js';
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from './session-cookie.js';
import { invalidApiKey } from '../core/xata-messages.js';

/**
 * Authenticates the caller and checks the route's declared access. Each guarded route gets
 * its own onRequest hook, built when it is registered: its scopes folded into one bit mask
 * and its workspace parameter resolved, so a request does one credential lookup (which
 * brings the account's memberships along), a map lookup and two ANDs. Public routes (and
 * unknown routes, which fall through to the 404 handler) run no auth hook at all.
 */
export function registerAuth(app: FastifyInstance, strata: Strata, limits = new AuthLimits({})): void {
  const guards = new WeakSet<Function>();
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no access (public or scopes)`);
    if ('public' in access) return;
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    if (existing.some((hook) => guards.has(hook))) return; // already guarded (HEAD copies a GET route's options)
    const guard = authGuard(strata, access, access.workspace === undefined ? workspaceParamOf(route.url) : access.workspace, limits);
    guards.add(guard);
    route.onRequest = [guard, ...existing];
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The caller behind the request's bearer token or, without one, its console session cookie. */
export async function authenticateRequest(strata: Strata, request: FastifyRequest): Promise<Actor | undefined> {
  const header = request.headers.authorization;
  if (header) {
    // The auth scheme is case-insensitive (RFC 9110 §11.1): `bearer xau_…` is as good as `Bearer xau_…`.
    const secret = /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    return secret ? strata.tokens.authenticate(secret) : undefined;
  }
  const session = readCookie(request, SESSION_COOKIE);
  if (!session) return undefined;
  const actor = await strata.sessions.authenticate(session);
  // A cookie rides along with requests other sites trigger: state changes need the CSRF token too.
  if (actor && !SAFE_METHODS.has(request.method) && !sameSecret(request.headers[CSRF_HEADER], csrfToken(session))) {
    throw new StrataError('FORBIDDEN', `a console session needs the ${CSRF_HEADER} header for this request`);
  }
  return actor;
}

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given), b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A workspace the account may not see answers exactly as a missing one would: nothing leaks. */
function notFound(param: WorkspaceParam, ref: string | number): StrataError {
  return param === 'workspace_id'
    ? new StrataError('NOT_FOUND', `workspace [${ref}] not found`, { param: 'workspace_id' })
    : new StrataError('NOT_FOUND', `database [${ref}] not found`);
}

/** The workspace a path names, in its one form: a Metadata API id (canonical digits only) or a data API database name. */
function workspaceRef(param: WorkspaceParam, params: Record<string, string>): string | number {
  const value = params[param] ?? '';
  if (param === 'workspace_id') {
    const id = canonicalId(value);
    if (id === undefined) throw invalidPathId(param, value);
    return id;
  }
  if (param === 'dbBranch') { const colon = value.indexOf(':'); return colon < 0 ? value : value.slice(0, colon); }
  return value;
}

function authGuard(strata: Strata, access: Extract<RouteAccess, { scopes: Scope[] }>, param: WorkspaceParam | null, limits: AuthLimits): onRequestAsyncHookHandler {
  const scopes = access.scopes;
  const required = scopes.reduce((bits, scope) => bits | scopeBit(scope.object, scope.action), 0);
  const missing = (mask: number) => scopes.find((scope) => !allows(mask, scope))!;
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const actor = await limits.authenticate(request.ip, reply, () => authenticateRequest(strata, request));
    if (!actor) throw invalidApiKey();
    await limits.checkToken(actor.token?.id ?? actor.sessionId!, reply);
    if ((actor.scopes & required) !== required) {
      const scope = missing(actor.scopes);
      throw new StrataError('FORBIDDEN', `this token lacks the ${scope.object}:${scope.action} scope`);
    }
    if (access.instanceOwner && !actor.access.isOwner) throw new StrataError('FORBIDDEN', 'only instance owners may do this');
    let grant = actor.scopes;
    // Resolved once: the handler acts on request.workspace, the very workspace checked here.
    const ref = param === null ? undefined : workspaceRef(param, request.params as Record<string, string>);
    if (ref !== undefined && !actor.access.isOwner) {
      const membership = actor.access.membership(ref);
      if (!membership) throw notFound(param!, ref);
      const mask = actor.access.mask(ref);
      if ((mask & required) !== required) {
        const scope = missing(mask);
        throw new StrataError('FORBIDDEN', `your role in this workspace (${membership.permissions === null ? membership.role : 'custom'}) does not allow ${scope.object}:${scope.action}`);
      }
      grant &= mask;
    }
    request.actor = actor;
    request.grant = grant;
    request.workspace = ref;
  };
}
