import { createHmac } from 'node:crypto';
import { randomSecret } from '../ids.js';
import type { SystemStore } from '../ports/storage.js';
import { FULL_ACCESS } from './scopes.js';
import { sha256Hex, toAccess, type Actor } from './tokens.js';

export const SESSION_TTL_MS = 12 * 3_600_000;

/**
 * Console sessions: a random secret in an httpOnly cookie, stored as its SHA-256 with an
 * absolute expiry. A session may do whatever its account may (all scopes, bounded by roles).
 * Its CSRF token is derived from the secret (HMAC), so it needs no storage and cannot be
 * computed without the cookie.
 */
export class SessionService {
  constructor(private readonly system: SystemStore) {}

  async open(accountId: string, now = Date.now()): Promise<{ secret: string; csrf: string; expiresAt: Date }> {
    const secret = `xss_${randomSecret(32)}`;
    const expiresAt = new Date(now + SESSION_TTL_MS);
    await this.system.insertSession({ id: sha256Hex(secret), accountId, createdAt: new Date(now).toISOString(), expiresAt: expiresAt.toISOString() });
    return { secret, csrf: csrfToken(secret), expiresAt };
  }

  async authenticate(secret: string, now = Date.now()): Promise<Actor | undefined> {
    if (!secret.startsWith('xss_') || secret.length > 100) return undefined;
    const found = await this.system.findSession(sha256Hex(secret));
    if (!found || Date.parse(found.expiresAt) <= now) return undefined;
    return { account: found.account, access: toAccess(found.account, found.memberships), scopes: FULL_ACCESS, sessionId: found.id };
  }

  close(secret: string): Promise<void> {
    return this.system.deleteSession(sha256Hex(secret));
  }
}

export const csrfToken = (sessionSecret: string): string => createHmac('sha256', sessionSecret).update('strata-csrf').digest('base64url');
