import { StrataError } from '../../kernel/errors.js';
import type { AccountRow, SystemStore } from '../ports/storage.js';
import { assertPassword, parseEmail } from './accounts.js';
import { hashPassword } from './passwords.js';

/** The settings row naming the account that still has to finish first-run setup. */
const PENDING_KEY = 'instance:setup-pending';

/**
 * First-run setup: the owner that first start generated (email from configuration, random
 * password shown once) must choose its own name, email and password before anything else in
 * the console. The marker is one settings row holding that account's id, so it works alike on
 * both engines and costs nothing once cleared.
 */
export class AccountSetup {
  constructor(private readonly system: SystemStore) {}

  async markPending(accountId: string): Promise<void> {
    await this.system.putSetting(PENDING_KEY, accountId);
  }

  async isPending(accountId: string): Promise<boolean> {
    return (await this.system.getSetting(PENDING_KEY)) === accountId;
  }

  /**
   * Sets the account's name, email and password, ends its other sessions and clears the
   * marker, in one transaction. Only the pending account, and only once.
   */
  async complete(account: AccountRow, input: { name: string; email: string; password: string }, keepSession?: string): Promise<AccountRow> {
    if (!(await this.isPending(account.id))) throw new StrataError('FORBIDDEN', 'this account has no setup to finish');
    const name = input.name.trim();
    if (!name) throw new StrataError('BAD_REQUEST', 'a name cannot be empty', { param: 'name' });
    const email = parseEmail(input.email);
    try { assertPassword(input.password); } catch (err) { throw new StrataError('BAD_REQUEST', (err as Error).message, { param: 'password' }); }
    const holder = await this.system.findAccountByEmail(email);
    if (holder && holder.id !== account.id) throw new StrataError('ALREADY_EXISTS', `an account with email [${email}] already exists`, { param: 'email' });
    const passwordHash = await hashPassword(input.password);
    const done = await this.system.completeAccountSetup(account.id, PENDING_KEY, { email, name, passwordHash }, keepSession, new Date().toISOString());
    if (!done) throw new StrataError('FORBIDDEN', 'this account has no setup to finish');
    return { ...account, email, name, passwordHash };
  }
}
