import type { AccessOptions } from './http/access-options.js';
import type { InstanceEntry } from './core/instances.js';

/** The access part of the configuration: rate limits, public URL, fleet, proxies. Throws messages for ConfigError. */
export function loadAccessConfig(env: NodeJS.ProcessEnv, integer: (name: string, fallback: number, min: number, max: number) => number): { access: AccessOptions; trustProxy: boolean | string } {
  const failures = integer('STRATA_AUTH_FAILURE_LIMIT', 30, 0, 1_000_000);
  const perToken = integer('STRATA_TOKEN_RATE_LIMIT', 0, 0, 100_000_000);
  const publicUrl = env.STRATA_PUBLIC_URL?.trim() || undefined;
  if (publicUrl !== undefined) checkUrl('STRATA_PUBLIC_URL', publicUrl);
  const proxy = env.STRATA_TRUST_PROXY?.trim() || 'false';
  return {
    access: {
      authFailures: failures > 0 ? { limit: failures, windowMs: integer('STRATA_AUTH_FAILURE_WINDOW', 300, 1, 86_400) * 1000 } : null,
      maxConnectionsPerAddress: integer('STRATA_MAX_CONNECTIONS_PER_ADDRESS', 256, 0, 1_000_000),
      tokenRequests: perToken > 0 ? { limit: perToken, windowMs: integer('STRATA_TOKEN_RATE_WINDOW', 60, 1, 86_400) * 1000 } : null,
      publicUrl: publicUrl?.replace(/\/+$/, ''),
      allowedHosts: parseHosts(env.STRATA_ALLOWED_HOSTS),
      display: env.STRATA_INSTANCE_DISPLAY?.trim() || undefined,
      customDomain: env.STRATA_CUSTOM_DOMAIN?.trim() || undefined,
      fleet: parseFleet(env.STRATA_FLEET),
    },
    trustProxy: proxy === 'true' ? true : proxy === 'false' ? false : proxy,
  };
}

/** `STRATA_ALLOWED_HOSTS`: comma-separated `name` (any port) or `name:port`, as a Host header names them. */
function parseHosts(text: string | undefined): string[] {
  const entries = (text ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  for (const entry of entries) {
    let url: URL | undefined;
    try { url = new URL(`http://${entry}`); } catch { /* reported below */ }
    // A host round-trips unchanged (but for case and a default :80); anything with a scheme, path, user or query does not.
    if (!url || url.host !== entry.toLowerCase().replace(/:80$/, '') || url.pathname !== '/' || url.search || url.username) {
      throw new Error(`STRATA_ALLOWED_HOSTS must list host names or host:port, comma-separated; got "${entry}"`);
    }
  }
  return entries;
}

/** `STRATA_FLEET`: a JSON array of `{name, url, display?, custom_domain?}`, other instances to list. */
function parseFleet(text: string | undefined): InstanceEntry[] {
  if (!text?.trim()) return [];
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { throw new Error('STRATA_FLEET must be a JSON array of {name, url, display?, custom_domain?}'); }
  if (!Array.isArray(parsed)) throw new Error('STRATA_FLEET must be a JSON array of {name, url, display?, custom_domain?}');
  return parsed.map((entry, i) => {
    const e = entry as Record<string, unknown>;
    if (typeof e?.name !== 'string' || !e.name || typeof e.url !== 'string') throw new Error(`STRATA_FLEET[${i}] needs a name and a url`);
    checkUrl(`STRATA_FLEET[${i}].url`, e.url);
    return {
      name: e.name, url: e.url.replace(/\/+$/, ''),
      display: typeof e.display === 'string' ? e.display : undefined,
      customDomain: typeof e.custom_domain === 'string' ? e.custom_domain : null,
    };
  });
}

function checkUrl(name: string, value: string): void {
  let url: URL;
  try { url = new URL(value); } catch { throw new Error(`${name} must be an absolute http(s) URL, got "${value}"`); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be an http(s) URL, got "${value}"`);
}
