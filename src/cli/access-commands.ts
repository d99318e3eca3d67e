import { INSTANCE_OWNER_ACCESS } from '../core/auth/account-access.js';
import { parseRole } from '../core/auth/roles.js';
import { formatScopes, parseScopes } from '../core/auth/scopes.js';
import { parseExpiry } from '../core/auth/token-expiry.js';
import type { Strata } from '../core/strata.js';

/** The operator's account, token and member commands. The CLI acts as an instance owner (it holds the storage). */
export class UsageError extends Error {}

export type Flags = Record<string, string | boolean | undefined>;
type Out = (line: string) => void;

const need = (flags: Flags, command: string, ...names: string[]): string[] => {
  const missing = names.filter((n) => typeof flags[n] !== 'string' || flags[n] === '');
  if (missing.length) throw new UsageError(`${command} needs ${missing.map((n) => `--${n}`).join(' and ')}`);
  return names.map((n) => flags[n] as string);
};

export async function accountCommand(strata: Strata, command: string | undefined, flags: Flags, out: Out): Promise<void> {
  if (command === 'create') {
    const [email, password] = need(flags, 'account create', 'email', 'password');
    const role = flags.role as string | undefined;
    const workspace = flags.workspace as string | undefined;
    if (workspace && !role) throw new UsageError('--workspace needs a --role for the account in it');
    if (role && role !== 'owner' && !workspace) throw new UsageError(`--role ${role} is a workspace role: add --workspace, or use --role owner for an instance owner`);
    const database = workspace ? await strata.databases.get(workspace) : undefined;
    const account = await strata.accounts.create({ email: email!, password: password!, name: flags.name as string | undefined, owner: role === 'owner' && !workspace });
    if (database) await strata.members.set(INSTANCE_OWNER_ACCESS, database, account.id, parseRole(role!));
    out(`created account ${account.email}${account.isOwner ? ' (instance owner)' : ''}${database ? `, ${role} of ${database.name}` : ''}, id ${account.id}`);
    return;
  }
  if (command === 'list') {
    for (const a of await strata.accounts.list()) out(`${a.id}\t${a.email}\t${a.name}${a.isOwner ? '\towner' : ''}`);
    return;
  }
  if (command === 'delete') {
    const [email] = need(flags, 'account delete', 'email');
    const account = await strata.accounts.find(email!);
    await strata.accounts.remove(account.id);
    out(`deleted account ${account.email}, its tokens, sessions and memberships`);
    return;
  }
  if (command === 'update') {
    const [email] = need(flags, 'account update', 'email');
    const account = await strata.accounts.find(email!);
    const owner = flags.owner === 'true' ? true : flags.owner === 'false' ? false : undefined;
    if (flags.owner !== undefined && owner === undefined) throw new UsageError('--owner takes true or false');
    await strata.accounts.update(account.id, { name: flags.name as string | undefined, password: flags.password as string | undefined, owner });
    out(`updated account ${account.email}`);
    return;
  }
  if (command === 'sign-out') {
    const [email] = need(flags, 'account sign-out', 'email');
    const account = await strata.accounts.find(email!);
    const revoked = await strata.accounts.signOutEverywhere(account.id);
    out(`signed ${account.email} out everywhere: console sessions ended, ${revoked} token${revoked === 1 ? '' : 's'} revoked`);
    return;
  }
  throw new UsageError(`unknown command: account ${command ?? ''}`);
}

export async function tokenCommand(strata: Strata, command: string | undefined, flags: Flags, out: Out): Promise<void> {
  const [email] = need(flags, `token ${command ?? ''}`.trim(), 'email');
  const account = await strata.accounts.findByEmail(email!);
  if (!account) throw new UsageError(`no account with email ${email}`);
  if (command === 'create') {
    const [name] = need(flags, 'token create', 'name');
    const scopes = typeof flags.scopes === 'string' ? parseScopes(flags.scopes) : undefined;
    let expiresAt: Date | null;
    if (flags['expires-in-days'] !== undefined) {
      const days = Number(flags['expires-in-days']);
      if (!Number.isFinite(days) || days <= 0) throw new UsageError('--expires-in-days must be a positive number');
      expiresAt = parseExpiry(Math.round(days * 86_400));
    } else {
      expiresAt = parseExpiry(flags.expires as string | undefined);
    }
    const { secret, token } = await strata.tokens.create(account, { name: name!, scopes, expiresAt });
    out(secret);
    process.stderr.write(`token "${token.name}" (${token.id}) for ${account.email}, scopes ${formatScopes(token.scopes) || '(none)'}, `
      + `${token.expiresAt ? `expires ${token.expiresAt}` : 'never expires'}; it is shown only this once\n`);
    return;
  }
  if (command === 'list') {
    const now = Date.now();
    for (const t of await strata.tokens.list(account)) {
      const state = t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= now ? 'expired' : 'active';
      out([t.id, t.name, formatScopes(t.scopes) || '(none)', state, `expires ${t.expiresAt ?? 'never'}`, `last used ${t.lastUsedAt ?? 'never'}`].join('\t'));
    }
    return;
  }
  if (command === 'revoke') {
    const all = flags.all === true;
    if (all === (typeof flags.id === 'string')) throw new UsageError('token revoke needs --id or --all (not both)');
    if (all) {
      const revoked = await strata.tokens.revokeAll(account);
      out(`revoked ${revoked} token${revoked === 1 ? '' : 's'} of ${account.email}`);
      return;
    }
    await strata.tokens.revoke(account, flags.id as string);
    out(`revoked ${flags.id}`);
    return;
  }
  throw new UsageError(`unknown command: token ${command ?? ''}`);
}

export async function memberCommand(strata: Strata, command: string | undefined, flags: Flags, out: Out): Promise<void> {
  const [workspace] = need(flags, `member ${command ?? ''}`.trim(), 'workspace');
  const database = await strata.databases.get(workspace!);
  if (command === 'list') {
    for (const m of await strata.members.list(database)) out([m.accountId, m.email, m.role, m.permissions === null ? '' : formatScopes(m.permissions)].join('\t'));
    return;
  }
  const [email] = need(flags, `member ${command}`, 'email');
  const account = await strata.accounts.find(email!);
  if (command === 'add' || command === 'set') {
    const [role] = need(flags, `member ${command}`, 'role');
    const permissions = typeof flags.permissions === 'string' ? parseScopes(flags.permissions) : null;
    const member = await strata.members.set(INSTANCE_OWNER_ACCESS, database, account.id, parseRole(role!), permissions);
    out(`${member.email} is ${member.role} of ${database.name}${permissions === null ? '' : ` (permissions ${formatScopes(permissions) || 'none'})`}`);
    return;
  }
  if (command === 'remove') {
    await strata.members.remove(INSTANCE_OWNER_ACCESS, database, account.id);
    out(`${account.email} is no longer a member of ${database.name}`);
    return;
  }
  throw new UsageError(`unknown command: member ${command}`);
}
