import * as crypto from 'node:crypto';
import { StrataError, badRequest } from '../../kernel/errors.js';
import { newTokenId, randomSecret } from '../ids.js';
import type { AccountRow, MembershipRow, SystemStore, TokenRow } from '../ports/storage.js';
import { AccountAccess, INSTANCE_OWNER_ACCESS, type Membership } from './account-access.js';
import { FULL_ACCESS } from './scopes.js';
import { DEFAULT_TOKEN_TTL_MS } from './token-expiry.js';

/**
 * Personal access tokens: `xau_` + 192 random bits, shown once. Only a SHA-256 of the
 * secret is stored; with this much entropy a fast hash is enough, and looking the hash
 * up by index leaks nothing an attacker could use (they cannot choose the hash).
 */

/**
 * Who is calling: the account, what it may do where (`access`), and what the credential
 * allows (`scopes`: a token's scopes; everything for a console session). A request may do
 * what both allow.
 */
export interface Actor { account: AccountRow; access: AccountAccess; scopes: number; token?: TokenRow; sessionId?: string }

// Every request hashes its token: crypto.hash (Node ≥ 20.12) digests in one call without a
// Hash object, about 3× cheaper for a secret this short; older Node 20 releases lack it.
export const sha256Hex: (secret: string) => string = typeof crypto.hash === 'function'
  ? (secret) => crypto.hash('sha256', secret, 'hex')
  : (secret) => crypto.createHash('sha256').update(secret).digest('hex');
const TOUCH_INTERVAL_MS = 60_000;
export const MAX_ACTIVE_TOKENS = 10;

/** Instance owners share one access object (they need no memberships): nothing to build per request. */
export const toAccess = (account: AccountRow, memberships: MembershipRow[]): AccountAccess =>
  (account.isOwner ? INSTANCE_OWNER_ACCESS : new AccountAccess(false, memberships as Membership[]));

export class TokenService {
  private readonly lastTouched = new Map<string, number>();
  /** Actors built per looked-up row: the SQLite memo hands back the same row until anything changes. */
  private readonly actors = new WeakMap<object, Actor>();
  constructor(private readonly system: SystemStore) {}

  /**
   * A new token for the account: full access unless scopes are given, expiring in 7 days
   * unless `expiresAt` says otherwise (null: never). At most 10 active tokens per account.
   */
  async create(account: AccountRow, input: { name: string; scopes?: number; expiresAt?: Date | null }): Promise<{ token: TokenRow; secret: string }> {
    const name = input.name.trim();
    if (!name) throw new StrataError('BAD_REQUEST', 'a token needs a name', { param: 'name' });
    if (name.length > 255) throw new StrataError('BAD_REQUEST', 'a token name has at most 255 characters', { param: 'name' });
    const scopes = input.scopes ?? FULL_ACCESS;
    if (!Number.isInteger(scopes) || scopes < 0 || scopes > FULL_ACCESS) throw badRequest('invalid scopes');
    const now = new Date();
    const expiresAt = input.expiresAt === undefined ? new Date(now.getTime() + DEFAULT_TOKEN_TTL_MS) : input.expiresAt;
    const secret = `xau_${randomSecret(24)}`;
    const token: TokenRow = {
      id: newTokenId(), accountId: account.id, name, hash: sha256Hex(secret), scopes,
      createdAt: now.toISOString(), lastUsedAt: null, expiresAt: expiresAt ? expiresAt.toISOString() : null, revokedAt: null,
    };
    if (!(await this.system.insertTokenWithin(token, MAX_ACTIVE_TOKENS, token.createdAt))) {
      throw new StrataError('CONFLICT', `an account may have at most ${MAX_ACTIVE_TOKENS} active tokens: revoke one first`);
    }
    return { token, secret };
  }

  /** The account's tokens, newest last, active or not (never their secrets, which are not stored). */
  list(account: AccountRow): Promise<TokenRow[]> {
    return this.system.listTokens(account.id);
  }

  async revoke(account: AccountRow, tokenId: string): Promise<void> {
    if (!(await this.system.revokeToken(account.id, tokenId, new Date().toISOString()))) {
      throw new StrataError('NOT_FOUND', `token [${tokenId}] not found`, { param: 'token_id' });
    }
  }

  /** Revokes every active token of the account; answers how many. */
  revokeAll(account: AccountRow): Promise<number> {
    return this.system.revokeTokens(account.id, new Date().toISOString());
  }

  /** The actor behind a bearer secret, or undefined when it is unknown, revoked or expired. */
  async authenticate(secret: string, now = Date.now()): Promise<Actor | undefined> {
    if (!secret.startsWith('xau_') || secret.length > 100) return undefined;
    const found = await this.system.findTokenByHash(sha256Hex(secret));
    if (!found || found.revokedAt) return undefined;
    if (found.expiresAt && Date.parse(found.expiresAt) <= now) return undefined;
    this.touch(found.id, now);
    let actor = this.actors.get(found);
    if (!actor) {
      // Spelled out rather than `const { account, ...token } = found`: an object rest is a slow
      // generic copy, and this runs on every lookup that misses the memo.
      const token: TokenRow = {
        id: found.id, accountId: found.accountId, name: found.name, hash: found.hash, scopes: found.scopes, createdAt: found.createdAt,
        lastUsedAt: found.lastUsedAt, expiresAt: found.expiresAt, revokedAt: found.revokedAt,
      };
      actor = { token, account: found.account, access: toAccess(found.account, found.memberships), scopes: found.scopes };
      this.actors.set(found, actor);
    }
    return actor;
  }

  /** Records last use at most once a minute per token, off the request's critical path. */
  private touch(id: string, now: number): void {
    const last = this.lastTouched.get(id) ?? 0;
    if (now - last < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(id, now);
    this.system.touchToken(id, new Date(now).toISOString()).catch(() => this.lastTouched.delete(id));
  }
}
