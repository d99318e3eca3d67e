import { Type } from 'typebox';
import { formatScopes } from '../../core/auth/scopes.js';
import { ROLE_MASKS } from '../../core/auth/roles.js';
import type { Member } from '../../core/auth/members.js';
import type { AccountRow, TokenRow } from '../../core/ports/storage.js';
import { xanoTime } from './params.js';

/** How accounts, tokens and members look in the Metadata API (never a secret or a hash). */
const time = (iso: string | null) => (iso === null ? null : xanoTime(iso));

export const accountView = (a: Omit<AccountRow, 'passwordHash'>) => ({ id: a.id, email: a.email, name: a.name, owner: a.isOwner, created_at: time(a.createdAt) });

export const tokenView = (t: TokenRow, now = Date.now()) => ({
  id: t.id, name: t.name, scopes: formatScopes(t.scopes),
  created_at: time(t.createdAt), last_used_at: time(t.lastUsedAt), expires_at: time(t.expiresAt), revoked_at: time(t.revokedAt),
  active: t.revokedAt === null && (t.expiresAt === null || Date.parse(t.expiresAt) > now),
});

export const memberView = (m: Member) => ({
  account_id: m.accountId, email: m.email, name: m.name, role: m.role,
  permissions: m.permissions === null ? null : formatScopes(m.permissions),
  // What the role alone allows, so clients need not know the role masks (the console's editor starts from it).
  role_permissions: formatScopes(ROLE_MASKS[m.role]),
  created_at: time(m.createdAt),
});

export const ScopesText = Type.String({ maxLength: 200, description: '`full` (the default), `read-only`, or per object: `content:crud,database:r` (objects content, database, files, history; letters c r u d)' });
export const AccountParams = Type.Object({ account_id: Type.String({ minLength: 1, maxLength: 64, description: 'The account id (acc_…)' }) });
