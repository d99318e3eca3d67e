import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StrataError } from '../../kernel/errors.js';
import { BatchFailure } from '../../core/records/batch-runner.js';
import { logServerError } from '../error-handler.js';
import { markRetryable } from '../retry-after.js';

/**
 * The Metadata API's error envelope, Xano's `{code, message, payload}`, with the status its
 * code stands for. Xano knows 400/401/403/404/429/500 only, so every other client error
 * (409, 413, 415, 422) is an input error (400) and every server error is ERROR_FATAL (500,
 * never with details). One exception: storage being unavailable keeps its 503 (as ERROR_FATAL,
 * with retry-after), since proxies, load balancers and HTTP clients retry a 503 and not a 500,
 * while a Xano client reading `code` still sees a server error. An input error's payload names
 * the bad input: `{param}`.
 */
export const XANO_CODES = {
  400: 'ERROR_CODE_INPUT_ERROR',
  401: 'ERROR_CODE_UNAUTHORIZED',
  403: 'ERROR_CODE_ACCESS_DENIED',
  404: 'ERROR_CODE_NOT_FOUND',
  429: 'ERROR_CODE_TOO_MANY_REQUESTS',
  500: 'ERROR_FATAL',
  503: 'ERROR_FATAL',
  // Storage full: still a 5xx to every client, and retrying at once is pointless; proxies and monitoring see what happened.
  507: 'ERROR_FATAL',
} as const;
type XanoStatus = keyof typeof XANO_CODES;

/** A bulk request's failed items ride along in an input error's payload: `errors: [{index, message, param}]`. */
interface ItemErrors { errors: Array<{ index: number; message: string; param: string }> }
export interface XanoErrorBody { code: (typeof XANO_CODES)[XanoStatus]; message: string; payload: ({ param: string } & Partial<ItemErrors>) | null }

const xanoStatus = (status: number): XanoStatus => (status in XANO_CODES ? status as XanoStatus : status >= 500 ? 500 : 400);

export function sendXanoError(reply: FastifyReply, status: number, message: string, param?: string, items?: ItemErrors): FastifyReply {
  const xano = xanoStatus(status);
  const body: XanoErrorBody = { code: XANO_CODES[xano], message, payload: xano === 400 ? { param: param ?? '', ...items } : null };
  return reply.status(xano).send(body);
}

/** The input a core error is about: named by the core, or else the column its message names. */
function paramOf(err: StrataError): string | undefined {
  return err.param ?? /column \[([^\]]+)\]/.exec(err.message)?.[1];
}

/** Bulk items (`items.<index>`) that failed, each named down to its column where the message names one. */
function itemErrors(err: BatchFailure): ItemErrors {
  return {
    errors: err.errors.map(({ index, message }) => {
      const column = /column \[([^\]]+)\]/.exec(message)?.[1];
      return { index, message, param: column ? `items.${index}.${column}` : `items.${index}` };
    }),
  };
}

/** A schema validation failure's input as a dotted path: `name`, `schema.2.type`, `workspace_id`. */
function validationParam(err: FastifyError): string {
  const first = err.validation?.[0] as { instancePath?: string; params?: { missingProperty?: string } } | undefined;
  const path = [first?.instancePath?.slice(1).replaceAll('/', '.'), first?.params?.missingProperty].filter(Boolean).join('.');
  return path || String(err.validationContext ?? 'body');
}

/** Installs the envelope on the Metadata API's (encapsulated) context, its 404s included. */
export function registerXanoErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof BatchFailure) {
      const items = itemErrors(err);
      return sendXanoError(reply, 400, err.message, items.errors[0]?.param, items);
    }
    if (err instanceof StrataError) {
      logServerError(request, err);
      markRetryable(reply, err);
      return sendXanoError(reply, err.status, err.message, paramOf(err));
    }
    if (err.validation) {
      const param = validationParam(err);
      const missing = (err.validation[0] as { keyword?: string }).keyword === 'required';
      return sendXanoError(reply, 400, missing ? `Missing param: ${param}` : `Invalid param: ${param} (${err.validation[0]?.message ?? 'invalid'})`, param);
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      const message = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'request body is too large' : err.message;
      return sendXanoError(reply, err.statusCode, message, 'body');
    }
    request.log.error({ err }, 'unexpected error');
    return sendXanoError(reply, 500, 'internal error');
  });
  app.setNotFoundHandler((request, reply) => {
    sendXanoError(reply, 404, `no route for ${request.method} ${request.url.split('?')[0]}`);
  });
}
