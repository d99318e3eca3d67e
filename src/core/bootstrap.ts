import { StrataError } from '../kernel/errors.js';
import { randomSecret } from './ids.js';
import type { Strata } from './strata.js';

/**
 * First start: an instance with no account gets an owner account and a full-access token,
 * both shown once, and marked as needing first-run setup (the console asks for a name, an
 * email and a password of the owner's choosing). Returns undefined when the instance already has accounts.
 */
export async function bootstrapOwner(strata: Strata, email: string): Promise<{ email: string; password: string; token: string } | undefined> {
  if ((await strata.accounts.count()) > 0) return undefined;
  const password = randomSecret(18);
  let account;
  try {
    account = await strata.accounts.create({ email, password, name: 'Owner' });
  } catch (err) {
    // Another node sharing this PostgreSQL database made the owner first.
    if (err instanceof StrataError && err.code === 'ALREADY_EXISTS') return undefined;
    throw err;
  }
  await strata.accountSetup.markPending(account.id);
  const { secret } = await strata.tokens.create(account, { name: 'first-start' });
  return { email: account.email, password, token: secret };
}
