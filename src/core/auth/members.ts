import { StrataError } from '../../kernel/errors.js';
import type { DatabaseRow, SystemStore } from '../ports/storage.js';
import type { AccountAccess } from './account-access.js';
import { FULL_ACCESS } from './scopes.js';
import type { Role } from './roles.js';

export interface Member { accountId: string; email: string; name: string; role: Role; permissions: number | null; createdAt: string }

/**
 * Workspace memberships. Instance owners manage everyone; a workspace's owners manage its
 * members; its admins manage its members except owners (they can neither make nor change one).
 */
export class MemberService {
  constructor(private readonly system: SystemStore) {}

  async list(database: DatabaseRow): Promise<Member[]> {
    return (await this.system.listMembers(database.id)).map((m) => ({
      accountId: m.account.id, email: m.account.email, name: m.account.name, role: m.role as Role, permissions: m.permissions, createdAt: m.createdAt,
    }));
  }

  async set(by: AccountAccess, database: DatabaseRow, accountId: string, role: Role, permissions: number | null = null): Promise<Member> {
    if (permissions !== null && (!Number.isInteger(permissions) || permissions < 0 || permissions > FULL_ACCESS)) {
      throw new StrataError('BAD_REQUEST', 'invalid permissions', { param: 'permissions' });
    }
    // By id, or by email (how people know each other: the console adds members by email).
    const account = accountId.includes('@')
      ? await this.system.findAccountByEmail(accountId.trim().toLowerCase())
      : await this.system.findAccountById(accountId);
    if (!account) throw new StrataError('NOT_FOUND', `account [${accountId}] not found`, { param: 'account_id' });
    const current = (await this.list(database)).find((m) => m.accountId === account.id);
    this.assertMayManage(by, database, role === 'owner' || current?.role === 'owner');
    await this.system.putMember(account.id, database.id, role, permissions, new Date().toISOString());
    return { accountId: account.id, email: account.email, name: account.name, role, permissions, createdAt: current?.createdAt ?? new Date().toISOString() };
  }

  async remove(by: AccountAccess, database: DatabaseRow, accountId: string): Promise<void> {
    const current = (await this.list(database)).find((m) => m.accountId === accountId);
    if (!current) throw new StrataError('NOT_FOUND', `account [${accountId}] is not a member of [${database.name}]`, { param: 'account_id' });
    this.assertMayManage(by, database, current.role === 'owner');
    await this.system.deleteMember(accountId, database.id);
  }

  private assertMayManage(by: AccountAccess, database: DatabaseRow, touchesOwner: boolean): void {
    if (by.isOwner) return;
    const role = by.membership(database.id)?.role;
    if (role === 'owner' || (role === 'admin' && !touchesOwner)) return;
    throw new StrataError('FORBIDDEN', touchesOwner
      ? 'only an owner of this workspace (or of the instance) may make or change an owner'
      : 'only owners and admins of this workspace may manage its members');
  }
}
