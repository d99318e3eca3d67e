import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { ConfigError } from '../config-values.js';
import { StrataError } from '../kernel/errors.js';
import { accountCommand, memberCommand, tokenCommand, UsageError, type Flags } from './access-commands.js';
import { filesCommand } from './files-commands.js';
import { exportCommand, importCommand } from './transfer-commands.js';
import { backupCommand, restoreCommand } from './backup-commands.js';
import { openStrata } from '../open-strata.js';

export { UsageError };

/**
 * The operator's CLI (`npx strata …`). It honours the server's configuration (DATA_DIR,
 * DATABASE_URL) and calls the same core. Secrets go to stdout alone, so scripts can capture them.
 */
const USAGE = `usage:
  strata account create --email E --password P [--name N] [--role owner | --role R --workspace W]
  strata account list
  strata account update --email E [--name N] [--password P] [--owner true|false]
  strata account delete --email E
  strata account sign-out --email E     (ends every console session, revokes every token)
  strata token create --email E --name N [--scopes content:crud,database:r | full | read-only] [--expires 1h|7d|1y|never]
  strata token list --email E
  strata token revoke --email E --id tok_… | --all
  strata member list --workspace W
  strata member add --workspace W --email E --role owner|admin|editor|viewer [--permissions content:crud,…]
  strata member remove --workspace W --email E
  strata files gc [--grace-minutes 60] [--dry-run true]
  strata export --database D [--branch main] --table T [--out FILE] [--format csv|json|ndjson] [--no-file-content]
  strata export --database D [--branch main] --dir DIR [--format csv|json|ndjson] [--no-file-content]   (every table, and schema.json)
  strata import --database D [--branch main] --table T --file F [--format csv|json|ndjson] [--map src=column,…]
                [--batch-size 1000] [--resume] [--errors errors.csv]   (keeps ids, xata.version, xata.createdAt, xata.updatedAt)
  strata import --database D --schema schema.json --dir DIR [--resume]      (from Xata: \`xata schema dump\` + table exports)
  strata import --database D --xano-schema DIR --dir DIR [--resume]       (from Xano: Metadata API table schemas + CSVs)
  strata backup [--out file|-] [--database name | --without-access]  (online: the server may run and write;
                --without-access leaves accounts, tokens and members out)
  strata restore <file|-> [--force] [--database name] (into an empty instance or workspace; --force replaces it)

The first account of an instance is its owner; later ones belong to no workspace unless given
--role (owner makes an instance owner; other roles need --workspace, a database name).
Tokens expire in 7 days unless --expires says otherwise (1 hour at least, or never); 10 active per account.
scopes: objects content, database, files, history; actions c(reate) r(ead) u(pdate) d(elete).
Exports carry each file's bytes as base64Content (one record's files in memory at a time;
an import takes files up to about 15 MB this way); --no-file-content writes their metadata only.`;

export async function runCli(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const [group, ...afterGroup] = argv;
  if (!group || group === 'help' || group === '--help') { out(USAGE); return group ? 0 : 2; }
  if (group === 'backup' || group === 'restore') return archiveCli(group, argv.slice(1), out);
  // export and import take no sub-command: everything after them is flags.
  const transfer = group === 'export' || group === 'import';
  const command = transfer ? undefined : afterGroup[0];
  const rest = transfer ? afterGroup : afterGroup.slice(1);
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' },
      scopes: { type: 'string' }, 'expires-in-days': { type: 'string' }, expires: { type: 'string' },
      role: { type: 'string' }, workspace: { type: 'string' }, permissions: { type: 'string' }, id: { type: 'string' }, owner: { type: 'string' },
      'grace-minutes': { type: 'string' }, 'dry-run': { type: 'string' }, all: { type: 'boolean' },
      database: { type: 'string' }, branch: { type: 'string' }, table: { type: 'string' }, format: { type: 'string' },
      out: { type: 'string' }, file: { type: 'string' }, dir: { type: 'string' }, map: { type: 'string', multiple: true },
      resume: { type: 'boolean' }, schema: { type: 'string' }, 'xano-schema': { type: 'string' }, 'batch-size': { type: 'string' }, errors: { type: 'string' },
      'no-file-content': { type: 'boolean' },
    },
    strict: true,
  });
  if (transfer) {
    const strata = await openStrata(loadConfig());
    try {
      return await (group === 'export' ? exportCommand : importCommand)(strata, values as unknown as Flags, out);
    } finally {
      await strata.close();
    }
  }
  const handler = { account: accountCommand, token: tokenCommand, member: memberCommand, files: filesCommand }[group];
  if (!handler) throw new UsageError(`unknown command: ${[group, command].filter(Boolean).join(' ')}\n${USAGE}`);
  const strata = await openStrata(loadConfig());
  try {
    await handler(strata, command, values as unknown as Flags, out);
    return 0;
  } finally {
    await strata.close();
  }
}

async function archiveCli(group: 'backup' | 'restore', args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: group === 'restore', strict: true,
    options: { out: { type: 'string' }, database: { type: 'string' }, force: { type: 'boolean' }, 'without-access': { type: 'boolean' } },
  });
  if (group === 'backup' && values.force) throw new UsageError('backup takes no --force');
  if (group === 'restore' && values.out) throw new UsageError('restore takes no --out');
  if (group === 'restore' && values['without-access']) throw new UsageError('restore takes no --without-access (it restores what the archive holds)');
  if (positionals.length > 1) throw new UsageError('restore takes one file');
  const strata = await openStrata(loadConfig());
  try {
    if (group === 'backup') await backupCommand(strata, values, out);
    else await restoreCommand(strata, positionals[0], values, out);
    return 0;
  } finally {
    await strata.close();
  }
}

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
