import { StrataError, badRequest } from '../errors.js';
import { newAccountId } from '../ids.js';
import type { AccountRow, SystemStore } from '../../storage/storage.js';
import { hashPassword } from './passwords.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
export const MIN_PASSWORD_LENGTH = 8;

/** Accounts: people (or automations) who own tokens. The first account is the instance owner. */
export class AccountService {
  constructor(private readonly system: SystemStore) {}

  async create(input: { email: string; password: string; name?: string }): Promise<AccountRow> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email)) throw badRequest(`invalid email [${input.email}]`);
    if (input.password.length < MIN_PASSWORD_LENGTH) throw badRequest(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    if (await this.system.findAccountByEmail(email)) throw new StrataError('ALREADY_EXISTS', `an account with email [${email}] already exists`);
    const row: AccountRow = {
      id: newAccountId(),
      email,
      name: input.name?.trim() || email.split('@')[0]!,
      passwordHash: await hashPassword(input.password),
      isOwner: (await this.system.countAccounts()) === 0,
      createdAt: new Date().toISOString(),
    };
    await this.system.insertAccount(row);
    return row;
  }

  findByEmail(email: string): Promise<AccountRow | undefined> {
    return this.system.findAccountByEmail(email.trim().toLowerCase());
  }

  count(): Promise<number> {
    return this.system.countAccounts();
  }
}
