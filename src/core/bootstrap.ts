import { randomSecret } from './ids.js';
import type { Strata } from './strata.js';

/**
 * First start: an instance with no account gets an owner account and a full-access token,
 * both shown once. Returns undefined when the instance already has accounts.
 */
export async function bootstrapOwner(strata: Strata, email: string): Promise<{ email: string; password: string; token: string } | undefined> {
  if ((await strata.accounts.count()) > 0) return undefined;
  const password = randomSecret(18);
  const account = await strata.accounts.create({ email, password, name: 'Owner' });
  const { secret } = await strata.tokens.create(account, { name: 'first-start' });
  return { email: account.email, password, token: secret };
}
