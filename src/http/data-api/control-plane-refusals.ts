import type { FastifyPluginAsync } from 'fastify';
import { StrataError } from '../../kernel/errors.js';
import { needs, type RouteAccess } from '../route-access.js';

/**
 * Xata control-plane calls a self-hosted instance cannot honour: it is one workspace, and its
 * accounts, members and tokens are managed by Strata's own API. Each answers a 400 in Xata's
 * envelope saying what to do instead, rather than a bare "no route".
 */
const ONE_WORKSPACE = 'Strata serves one workspace (this instance, listed by GET /workspaces)';
const TOKENS = 'API keys are Strata personal access tokens: create them with POST /api:meta/token or `strata token create`, revoke them with DELETE /api:meta/token/{id} or `strata token revoke`';
const ACCOUNTS = 'accounts are managed by Strata: GET /api:meta/auth/me for the current one, /api:meta/account (instance owners) or `strata account …`';
const MEMBERS = 'members are per database: use /api:meta/workspace/{id}/member or `strata member …`';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const refusals: Array<[Method, string, { access: RouteAccess }, string]> = [
  ['POST', '/workspaces', needs('database:create'), `${ONE_WORKSPACE}; create databases in it with PUT /workspaces/{ws}/dbs/{db} (xata dbs create)`],
  ['PUT', '/workspaces/:ws', needs('database:update'), `${ONE_WORKSPACE}; its name is the STRATA_INSTANCE_NAME setting`],
  ['DELETE', '/workspaces/:ws', needs('database:delete'), `${ONE_WORKSPACE}, which cannot be deleted; delete its databases with DELETE /workspaces/{ws}/dbs/{db} (xata dbs delete)`],
  ['GET', '/workspaces/:ws/members', needs('database:read'), `${ONE_WORKSPACE}; ${MEMBERS}`],
  ['POST', '/workspaces/:ws/invites', needs('database:update'), `${ONE_WORKSPACE} and sends no invites; ${MEMBERS}`],
  ['GET', '/user', needs('database:read'), ACCOUNTS],
  ['PUT', '/user', needs('database:update'), ACCOUNTS],
  ['DELETE', '/user', needs('database:delete'), ACCOUNTS],
  ['GET', '/user/keys', needs('database:read'), TOKENS],
  ['POST', '/user/keys/:name', needs('database:create'), TOKENS],
  ['DELETE', '/user/keys/:name', needs('database:delete'), TOKENS],
];

/** The refused calls with their summaries, for the OpenAPI document. */
export const refusalExamples = Object.fromEntries(refusals.map(([method, url]) => [`${method} ${url}`, {
  summary: 'Xata control-plane call a self-hosted instance does not serve (answers 400 saying what to use instead)', tags: ['databases'],
}]));

export const controlPlaneRefusals: FastifyPluginAsync = async (app) => {
  for (const [method, url, config, message] of refusals) {
    app.route({ method, url, config, handler: async () => { throw new StrataError('BAD_REQUEST', message); } });
  }
};
