import { StrataError, badRequest, notFound } from '../../kernel/errors.js';
import { newAccountId } from '../ids.js';
import type { AccountRow, SystemStore } from '../ports/storage.js';
import { hashPassword, verifyPassword } from './passwords.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
export const MIN_PASSWORD_LENGTH = 8;
// Compared against when the email is unknown, so a failed login takes as long either way.
const DUMMY_HASH = hashPassword('strata-no-such-account');

/** An email as accounts store it (trimmed, lower case), or a 400 naming the input. */
export function parseEmail(input: string): string {
  const email = input.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new StrataError('BAD_REQUEST', `invalid email [${input}]`, { param: 'email' });
  return email;
}

export function assertPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw badRequest(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
}

/**
 * Accounts: people (or automations) who own tokens. The instance's first account is its
 * owner (decided in storage, race-free); owners may make others owners. An instance always
 * keeps at least one owner.
 */
export class AccountService {
  constructor(private readonly system: SystemStore) {}

  async create(input: { email: string; password: string; name?: string; owner?: boolean }): Promise<AccountRow> {
    const email = parseEmail(input.email);
    assertPassword(input.password);
    if (await this.system.findAccountByEmail(email)) throw new StrataError('ALREADY_EXISTS', `an account with email [${email}] already exists`);
    const row = {
      id: newAccountId(), email, name: input.name?.trim() || email.split('@')[0]!,
      passwordHash: await hashPassword(input.password), createdAt: new Date().toISOString(),
    };
    const isOwner = await this.system.insertAccountClaimingOwner(row, input.owner === true);
    return { ...row, isOwner };
  }

  findByEmail(email: string): Promise<AccountRow | undefined> {
    return this.system.findAccountByEmail(email.trim().toLowerCase());
  }

  async get(id: string): Promise<AccountRow> {
    const account = await this.system.findAccountById(id);
    if (!account) throw new StrataError('NOT_FOUND', `account [${id}] not found`, { param: 'account_id' });
    return account;
  }

  /** An account by id or email (the CLI takes either). */
  async find(ref: string): Promise<AccountRow> {
    const account = ref.includes('@') ? await this.findByEmail(ref) : await this.system.findAccountById(ref);
    if (!account) throw notFound(`no account [${ref}]`);
    return account;
  }

  list(): Promise<AccountRow[]> {
    return this.system.listAccounts();
  }

  count(): Promise<number> {
    return this.system.countAccounts();
  }

  async update(id: string, patch: { name?: string; owner?: boolean; password?: string }): Promise<AccountRow> {
    const account = await this.get(id);
    if (patch.owner === false && account.isOwner) await this.keepAnOwner();
    if (patch.password !== undefined) assertPassword(patch.password);
    const name = patch.name?.trim();
    if (patch.name !== undefined && !name) throw new StrataError('BAD_REQUEST', 'a name cannot be empty', { param: 'name' });
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
    await this.system.updateAccount(id, { name, isOwner: patch.owner, passwordHash });
    if (passwordHash) await this.system.deleteSessions(id, undefined, new Date().toISOString());
    return { ...account, ...(name ? { name } : {}), ...(patch.owner !== undefined ? { isOwner: patch.owner } : {}), ...(passwordHash ? { passwordHash } : {}) };
  }

  async remove(id: string): Promise<void> {
    const account = await this.get(id);
    if (account.isOwner) await this.keepAnOwner();
    await this.system.deleteAccount(id);
  }

  /** The account whose password this is, or undefined (in about the same time either way). */
  async verifyLogin(email: string, password: string): Promise<AccountRow | undefined> {
    const account = await this.findByEmail(email);
    const ok = await verifyPassword(password, account?.passwordHash ?? await DUMMY_HASH);
    return ok && account ? account : undefined;
  }

  /**
   * Changes one's own password (the current one is required) and ends one's other sessions.
   * Tokens stay valid (a token is a credential of its own, often held by an automation) unless
   * `revokeTokens` asks: then every token of the account is revoked, the caller's included.
   * Answers how many tokens were revoked.
   */
  async changePassword(account: AccountRow, current: string, next: string, options: { keepSession?: string; revokeTokens?: boolean } = {}): Promise<number> {
    if (!(await verifyPassword(current, account.passwordHash))) throw new StrataError('FORBIDDEN', 'the current password is wrong', { param: 'current_password' });
    assertPassword(next);
    await this.system.updateAccount(account.id, { passwordHash: await hashPassword(next) });
    const now = new Date().toISOString();
    const revoked = options.revokeTokens ? await this.system.revokeTokens(account.id, now) : 0;
    await this.system.deleteSessions(account.id, options.keepSession, now);
    return revoked;
  }

  /**
   * Signs the account out everywhere: revokes every token it holds and ends every console
   * session (the caller's too). Tokens first: a failure in between leaves sessions, never
   * tokens, and the call can be repeated. Answers how many tokens were revoked.
   */
  async signOutEverywhere(accountId: string): Promise<number> {
    const now = new Date().toISOString();
    const revoked = await this.system.revokeTokens(accountId, now);
    await this.system.deleteSessions(accountId, undefined, now);
    return revoked;
  }

  private async keepAnOwner(): Promise<void> {
    if ((await this.system.countOwners()) <= 1) throw new StrataError('CONFLICT', 'an instance must keep at least one owner');
  }
}
