import type { FastifyReply } from 'fastify';
import { StrataError } from '../kernel/errors.js';
import { MemoryRateCounters } from '../core/auth/memory-rate-counters.js';
import type { RateCounters, RateWindow } from '../core/ports/rate-counters.js';

export interface Limit { limit: number; windowMs: number }

/** Sets the 429 headers and answers the error (each face renders it in its own envelope). */
export function tooManyRequests(reply: FastifyReply, resetAt: number, message: string, limit: number): StrataError {
  const seconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
  reply.header('retry-after', String(seconds));
  reply.header('x-ratelimit-limit', String(limit));
  reply.header('x-ratelimit-remaining', '0');
  reply.header('x-ratelimit-reset', String(seconds));
  return new StrataError('RATE_LIMITED', `${message}; retry in ${seconds} s`);
}

/**
 * The two limits: failed authentications per client address (once used up, every
 * authentication from that address is refused until the window ends, so guessing cannot
 * go on even with a valid credential mixed in), and requests per token (off unless set).
 *
 * Counted in `counters`: this process's memory on SQLite, PostgreSQL's `rate_counters` when
 * nodes share it. Counters that cannot be read or written fail closed: the authentication is
 * refused with 503 (retry-after), since letting it through would let guessing go on uncounted
 * and a 500 would say nothing useful. Only guarded routes and the login count; public routes pay nothing.
 */
export class AuthLimits {
  private readonly failures: Limit | undefined;
  private readonly perToken: Limit | undefined;
  private readonly counters: RateCounters;
  private readonly onCounterFailure: (err: unknown) => void;
  constructor(options: { authFailures?: Limit | null; tokenRequests?: Limit | null },
    shared?: { counters?: RateCounters; onCounterFailure?: (err: unknown) => void }) {
    const f = options.authFailures, t = options.tokenRequests;
    this.failures = f && f.limit > 0 ? f : undefined;
    this.perToken = t && t.limit > 0 ? t : undefined;
    this.counters = shared?.counters ?? new MemoryRateCounters();
    this.onCounterFailure = shared?.onCounterFailure ?? (() => undefined);
  }

  /** Throws 429 when the address has used up its failures. */
  async checkAddress(ip: string, reply: FastifyReply): Promise<void> {
    if (!this.failures) return;
    const window = await this.counted(this.counters.peek(addressKey(ip)));
    if (window && window.count >= this.failures.limit) throw this.addressRefused(reply, window);
  }

  /**
   * Authenticates while the address is checked (one round trip's wait instead of two on
   * PostgreSQL); an address past its limit is refused whatever the credential was, so the
   * answer says nothing about it. A missing credential counts as a failure.
   */
  async authenticate<T>(ip: string, reply: FastifyReply, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
    const outcome = attempt().then((value) => ({ value }), (error: unknown) => ({ error }));
    await this.checkAddress(ip, reply);
    const settled = await outcome;
    if ('error' in settled) throw settled.error;
    if (settled.value === undefined) await this.failed(ip, reply);
    return settled.value;
  }

  /** Counts a failed authentication; throws 429 when it was past the limit (another node's, or a concurrent one's). */
  async failed(ip: string, reply: FastifyReply): Promise<void> {
    if (!this.failures) return;
    const window = await this.counted(this.counters.hit(addressKey(ip), this.failures.windowMs));
    if (window.count > this.failures.limit) throw this.addressRefused(reply, window);
  }

  /** Counts a request of a credential; throws 429 beyond its limit. */
  async checkToken(id: string, reply: FastifyReply): Promise<void> {
    if (!this.perToken) return;
    const window = await this.counted(this.counters.hit(`token:${id}`, this.perToken.windowMs));
    if (window.count > this.perToken.limit) throw tooManyRequests(reply, window.resetAt, 'this token has made too many requests', this.perToken.limit);
  }

  private addressRefused(reply: FastifyReply, window: RateWindow): StrataError {
    return tooManyRequests(reply, window.resetAt, 'too many failed authentication attempts from this address', this.failures!.limit);
  }

  /** A counter's answer, or UNAVAILABLE (503) when it could not be had: fail closed. */
  private async counted<T>(pending: Promise<T>): Promise<T> {
    try {
      return await pending;
    } catch (err) {
      this.onCounterFailure(err);
      throw new StrataError('UNAVAILABLE', 'rate limits cannot be counted right now, so authentication is refused; retry shortly');
    }
  }
}

const addressKey = (ip: string) => `auth:${ip}`;
