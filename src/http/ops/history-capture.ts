import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HistoryRecorder } from '../../core/history/history-recorder.js';
import { redactValue, type SecretKeys } from '../../core/history/redact.js';
import { answerBase } from '../answer-base.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` keeps a route out of request history (the history API itself, change streams). */
    history?: false;
  }
  interface FastifyRequest {
    historyOutput?: string;
    /** The Strata branch a Metadata API request resolved (`?branch=` and `x-data-source`), for its history entry. */
    historyBranch?: string;
  }
}

// The workspace a request belongs to: a database in the data API, a workspace id in the Metadata API.
const DATA_API = /^\/db\/([^/:?]+)(?::([^/?]+))?/;
const XATA_DB = /^(?:\/workspaces\/[^/]+)?\/dbs\/([^/?]+)/;
const META_API = /^\/api:meta\/workspace\/([^/?]+)/;

/**
 * The workspace id a Metadata API path aims at. The guard's resolution when it got that far;
 * otherwise any spelling a lenient reader takes for an id (`0x5`, `05`, `5e0`) is filed under
 * that id, so its owner sees who tried. For filing only: access never reads ids this way.
 */
function aimedAt(request: FastifyRequest, segment: string): number | undefined {
  if (typeof request.workspace === 'number') return request.workspace;
  const text = decoded(segment);
  const id = text.trim() === '' ? NaN : Number(text);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** A path segment's text; malformed escapes (which the router answered with a 400) kept as sent. */
function decoded(segment: string): string {
  try { return decodeURIComponent(segment); } catch { return segment; }
}

function workspaceOf(request: FastifyRequest): { workspace: number | string; branch: string | null } | undefined {
  const url = request.url;
  let m = DATA_API.exec(url);
  if (m) return { workspace: decoded(m[1]!), branch: m[2] ? decoded(m[2]) : null };
  m = META_API.exec(url);
  const aimed = m ? aimedAt(request, m[1]!) : undefined;
  if (aimed !== undefined) {
    if (request.historyBranch !== undefined) return { workspace: aimed, branch: request.historyBranch };
    // Not resolved (refused before, or a workspace-level route): the data source it named, else main.
    const source = request.headers['x-data-source'];
    const label = typeof source === 'string' && source !== '' && source !== 'live' ? source : 'main';
    return { workspace: aimed, branch: label };
  }
  m = XATA_DB.exec(url);
  if (m) return { workspace: decoded(m[1]!), branch: null };
  return undefined;
}

function inputOf(request: FastifyRequest, limit: number, secretKeys: SecretKeys | undefined): unknown {
  const query = request.query as Record<string, unknown> | undefined;
  const body = request.body;
  const hasQuery = query !== undefined && query !== null && Object.keys(query).length > 0;
  if (body === undefined || body === null) return hasQuery ? redactValue(query, limit, secretKeys) : undefined;
  const merged = typeof body === 'object' && !Array.isArray(body) ? { ...(hasQuery ? query : {}), ...(body as object) } : { ...(hasQuery ? query : {}), body };
  return redactValue(merged, limit, secretKeys);
}

/**
 * Records every request to a workspace (both APIs) into request history. The hooks copy
 * references and small values only; formatting, redaction of headers and output, and the
 * write happen in the recorder's batches. Requests with no workspace in their path (listing
 * workspaces, /auth/me, /health) have nowhere to be filed and are not recorded.
 */
export function registerHistoryCapture(app: FastifyInstance, recorder: HistoryRecorder): void {
  if (!recorder.config.enabled) return;
  const outputLimit = recorder.config.outputLimit;
  const inputLimit = recorder.config.inputLimit;
  if (!app.hasRequestDecorator('historyOutput')) app.decorateRequest('historyOutput', undefined);
  if (!app.hasRequestDecorator('historyBranch')) app.decorateRequest('historyBranch', undefined);
  if (outputLimit > 0) {
    app.addHook('onSend', (request, _reply, payload, done) => {
      if (typeof payload === 'string' && payload.length <= outputLimit) request.historyOutput = payload;
      done(null, payload);
    });
  }
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    done();
    if (request.routeOptions.config?.history === false) return;
    const where = workspaceOf(request);
    if (!where) return;
    const length = reply.getHeader('content-length');
    // The schema says which body keys are secret columns (whatever the route): known now when
    // the request loaded its branch's schema, else looked up when the batch is written.
    const secretKeys = recorder.secretKeys(where.workspace, where.branch);
    recorder.record({
      workspace: where.workspace,
      branch: where.branch,
      createdAt: Date.now() - Math.round(reply.elapsedTime),
      durationMs: reply.elapsedTime,
      status: reply.statusCode,
      verb: request.method,
      // Absolute, as Xano records it (tools parse it with `new URL`): the public URL, else this server as the client reached it.
      uri: `${answerBase(request)}${request.url}`,
      tokenId: request.actor?.token?.id ?? null,
      clientIp: request.ip ?? null,
      input: inputLimit > 0 ? inputOf(request, inputLimit, secretKeys) : undefined,
      secretKeys,
      requestHeaders: request.headers,
      responseHeaders: reply.getHeaders(),
      responseSize: length === undefined ? request.historyOutput?.length ?? 0 : Number(length),
      output: request.historyOutput,
    });
  });
}
