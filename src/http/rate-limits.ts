import type { FastifyReply } from 'fastify';
import { StrataError } from '../core/errors.js';

/**
 * Fixed-window counters kept in this process's memory (each node counts its own). Bounded:
 * expired windows are swept once the map is large, and a full map forgets the oldest.
 */
export class WindowCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  constructor(readonly limit: number, readonly windowMs: number, private readonly maxKeys = 100_000) {}

  /** The key's window (expired windows start over). */
  private window(key: string, now: number) {
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size >= this.maxKeys) this.sweep(now);
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    return w;
  }

  /** Whether the key has used up its window; the window's reset time either way. */
  exhausted(key: string, now = Date.now()): { exhausted: boolean; resetAt: number } {
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) return { exhausted: false, resetAt: now + this.windowMs };
    return { exhausted: w.count >= this.limit, resetAt: w.resetAt };
  }

  /** Counts one event; whether it was within the limit. */
  hit(key: string, now = Date.now()): { allowed: boolean; resetAt: number } {
    const w = this.window(key, now);
    w.count++;
    return { allowed: w.count <= this.limit, resetAt: w.resetAt };
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
  }
}

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
 */
export class AuthLimits {
  private readonly failures: WindowCounter | undefined;
  private readonly perToken: WindowCounter | undefined;
  constructor(options: { authFailures?: Limit | null; tokenRequests?: Limit | null }) {
    const f = options.authFailures, t = options.tokenRequests;
    this.failures = f && f.limit > 0 ? new WindowCounter(f.limit, f.windowMs) : undefined;
    this.perToken = t && t.limit > 0 ? new WindowCounter(t.limit, t.windowMs) : undefined;
  }

  /** Throws 429 when the address has used up its failures. */
  checkAddress(ip: string, reply: FastifyReply): void {
    if (!this.failures) return;
    const state = this.failures.exhausted(ip);
    if (state.exhausted) throw tooManyRequests(reply, state.resetAt, 'too many failed authentication attempts from this address', this.failures.limit);
  }

  failed(ip: string): void {
    this.failures?.hit(ip);
  }

  /** Counts a request of a credential; throws 429 beyond its limit. */
  checkToken(id: string, reply: FastifyReply): void {
    if (!this.perToken) return;
    const state = this.perToken.hit(id);
    if (!state.allowed) throw tooManyRequests(reply, state.resetAt, 'this token has made too many requests', this.perToken.limit);
  }
}
