import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { StrataError } from '../core/errors.js';
import { FULL_ACCESS, formatScopes, parseScopes } from '../core/auth/scopes.js';
import { Strata } from '../core/strata.js';

/**
 * The operator's CLI (`npx strata …`). It honours the server's configuration (DATA_DIR,
 * DATABASE_URL) and calls the same core. Secrets go to stdout alone, so scripts can capture them.
 */
const USAGE = `usage:
  strata account create --email E --password P [--name N]
  strata token create --email E --name N [--scopes content:crud,database:r | full | read-only] [--expires-in-days D]

scopes: objects content, database, files, history; actions c(reate) r(ead) u(pdate) d(elete).`;

export async function runCli(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const [group, command, ...rest] = argv;
  if (!group || group === 'help' || group === '--help') { out(USAGE); return group ? 0 : 2; }
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' },
      scopes: { type: 'string' }, 'expires-in-days': { type: 'string' },
    },
    strict: true,
  });
  const strata = await Strata.open(loadConfig());
  try {
    if (group === 'account' && command === 'create') {
      if (!values.email || !values.password) throw new UsageError('account create needs --email and --password');
      const account = await strata.accounts.create({ email: values.email, password: values.password, name: values.name });
      out(`created account ${account.email}${account.isOwner ? ' (instance owner)' : ''}`);
      return 0;
    }
    if (group === 'token' && command === 'create') {
      if (!values.email || !values.name) throw new UsageError('token create needs --email and --name');
      const account = await strata.accounts.findByEmail(values.email);
      if (!account) throw new UsageError(`no account with email ${values.email}`);
      const scopes = values.scopes !== undefined ? parseScopes(values.scopes) : FULL_ACCESS;
      let expiresAt: Date | null = null;
      if (values['expires-in-days'] !== undefined) {
        const days = Number(values['expires-in-days']);
        if (!Number.isFinite(days) || days <= 0) throw new UsageError('--expires-in-days must be a positive number');
        expiresAt = new Date(Date.now() + days * 86_400_000);
      }
      const { secret, token } = await strata.tokens.create(account, { name: values.name, scopes, expiresAt });
      out(secret);
      process.stderr.write(`token "${token.name}" for ${account.email}, scopes ${formatScopes(scopes) || '(none)'}; it is shown only this once\n`);
      return 0;
    }
    throw new UsageError(`unknown command: ${[group, command].filter(Boolean).join(' ')}\n${USAGE}`);
  } finally {
    await strata.close();
  }
}

export class UsageError extends Error {}

export async function main(argv: string[]): Promise<void> {
  try {
    process.exitCode = await runCli(argv);
  } catch (err) {
    if (err instanceof UsageError || err instanceof StrataError || err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`strata: ${(err as Error).message}`);
      process.exitCode = 2;
      return;
    }
    console.error('strata: failed:', err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
