/**
 * The access endpoints' summaries and examples in the Metadata API's document (description
 * only): the Master API's instances, tokens, accounts, members and console login.
 */
type Ok = (description: string, example: unknown) => Record<string, unknown>;
type Body = (example: unknown) => Record<string, unknown>;

export function accessExamples(prefix: string, ok: Ok, body: Body): Record<string, Record<string, unknown>> {
  const ws = `${prefix}/workspace/:workspace_id`;
  const instance = {
    name: 'local', display: 'Local', domain: 'strata.example.com', xano_domain: 'strata.example.com', custom_domain: null, rate_limit: false,
    meta_api: 'https://strata.example.com/api:meta', meta_swagger: 'https://strata.example.com/apispec:meta?type=json',
  };
  const token = {
    id: 'tok_cq38hb2o6r4pdmcccsd0', name: 'dashboard', scopes: 'content:r,database:r,files:r,history:r',
    created_at: '2026-01-31 12:00:00+0000', last_used_at: null, expires_at: '2026-02-07 12:00:00+0000', revoked_at: null, active: true,
  };
  const account = { id: 'acc_cq38hb2o6r4pdmcccsc0', email: 'ada@example.com', name: 'Ada', owner: false, created_at: '2026-01-31 12:00:00+0000' };
  const member = { account_id: account.id, email: account.email, name: account.name, role: 'editor', permissions: null, role_permissions: 'content:crud,database:r,files:crud,history:r', created_at: '2026-01-31 12:00:00+0000' };
  return {
    [`GET ${prefix}/instance`]: { summary: 'The instances this account can use (Master Metadata API)', description: 'Use an instance\'s `meta_api` as the base URL of its Metadata API.', response: ok('Instances', [instance]) },
    [`GET ${prefix}/instance/:name`]: { summary: 'One instance (Master Metadata API)', response: ok('The instance', instance) },
    [`GET ${prefix}/token`]: { summary: 'Your personal access tokens (never their secrets)', response: ok('Tokens', [token]) },
    [`POST ${prefix}/token`]: {
      summary: 'Create a personal access token (the secret is answered this once)',
      description: 'Full access unless `scopes` is given (`read-only` is the one-click preset); expires in 7 days unless `expires_in` says otherwise (1 hour at least, or `never`). At most 10 active tokens per account.',
      ...body({ name: 'dashboard', scopes: 'read-only', expires_in: '30d' }), response: ok('The token and its secret', { ...token, token: 'xau_…' }),
    },
    [`DELETE ${prefix}/token/:token_id`]: { summary: 'Revoke one of your tokens (from the next request, on every node)', response: ok('Revoked', {}) },
    [`GET ${prefix}/account`]: { summary: 'The instance\'s accounts', response: ok('Accounts', [account]) },
    [`POST ${prefix}/account`]: { summary: 'Create an account (a member of no workspace unless made an owner)', ...body({ email: 'ada@example.com', password: 'correct-horse', name: 'Ada' }), response: ok('The account', account) },
    [`GET ${prefix}/account/:account_id`]: { summary: 'An account', response: ok('The account', account) },
    [`PUT ${prefix}/account/:account_id`]: { summary: 'Rename an account, make it an owner or not, or set its password', ...body({ owner: true }), response: ok('The account', { ...account, owner: true }) },
    [`DELETE ${prefix}/account/:account_id`]: { summary: 'Delete an account with its tokens, sessions and memberships', response: ok('Deleted', {}) },
    [`GET ${ws}/member`]: { summary: 'The workspace\'s members and their roles', response: ok('Members', [member]) },
    [`PUT ${ws}/member/:account_id`]: {
      summary: 'Add a member or change its role',
      description: '`account_id` is the account\'s id or its email. Roles: owner, admin (everything), editor (records and files; reads the schema), viewer (reads). `permissions` replaces the role\'s with a custom set (`null`: the role\'s again); answers show both `permissions` and `role_permissions`. Admins cannot make or change owners.',
      ...body({ role: 'editor' }), response: ok('The member', member),
    },
    [`DELETE ${ws}/member/:account_id`]: { summary: 'Remove a member', response: ok('Removed', {}) },
    [`POST ${prefix}/auth/login`]: {
      summary: 'Console login: opens a session',
      description: 'Sets an httpOnly, SameSite=Strict `strata_session` cookie and a readable `strata_csrf` cookie; state-changing requests made with the session must send its value in `x-csrf-token`. Failed logins count against the address\'s limit.',
      ...body({ email: 'ada@example.com', password: 'correct-horse' }), response: ok('The session', { account, csrf_token: 'b64…', expires_at: '2026-01-31T12:00:00.000Z' }),
    },
    [`POST ${prefix}/auth/logout`]: { summary: 'Console logout: ends the session and clears its cookies', response: ok('Logged out', {}) },
    [`POST ${prefix}/auth/setup`]: {
      summary: 'Finish first-run setup: choose the generated owner\'s name, email and password',
      description: 'Only for the owner account that first start generated, and only once (`/auth/me` says `extras.setup_required: true` until then; anyone else gets 403). Ends the account\'s other sessions, like a password change.',
      ...body({ name: 'Ada', email: 'ada@example.com', password: 'correct-horse' }), response: ok('The account', { ...account, owner: true }),
    },
    [`POST ${prefix}/auth/logout_all`]: {
      summary: 'Sign out everywhere: end every session and revoke every token of your account',
      description: 'Every console session of the account ends (this one too: its cookies are cleared) and every token is revoked (the one making the request too). Needs a session or a full-access token. Answers how many tokens were revoked.',
      response: ok('Signed out everywhere', { tokens_revoked: 3 }),
    },
    [`PUT ${prefix}/auth/password`]: {
      summary: 'Change your password (ends your other sessions)',
      description: 'Ends every other console session of the account; the session making the change stays. Tokens stay valid unless `revoke_tokens: true`, which revokes every token of the account (the one making the request too). Answers how many tokens were revoked.',
      ...body({ current_password: 'correct-horse', new_password: 'battery-staple', revoke_tokens: true }), response: ok('Changed', { tokens_revoked: 2 }),
    },
  };
}
