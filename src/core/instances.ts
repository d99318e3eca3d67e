import { StrataError } from '../kernel/errors.js';

/**
 * The Master Metadata API's instances: this deployment, plus any other instances of a fleet
 * the operator registered. Each answers where its Metadata API lives, so a tool holding only
 * a token can go from `GET /instance` to the right `meta_api` base URL.
 */
export interface InstanceEntry {
  name: string;
  display?: string;
  /** The public base URL (scheme, host, optional path prefix), without a trailing slash. */
  url: string;
  customDomain?: string | null;
}

export interface InstanceView {
  name: string; display: string; domain: string; xano_domain: string; custom_domain: string | null;
  rate_limit: boolean; meta_api: string; meta_swagger: string;
}

export interface InstanceDirectoryOptions {
  self: Omit<InstanceEntry, 'url'> & { url?: string };
  fleet: InstanceEntry[];
  rateLimited: boolean;
}

export class InstanceDirectory {
  constructor(private readonly options: InstanceDirectoryOptions) {}

  /** Every instance, this one first; `requestBase` stands in for this one's URL when none is configured. */
  list(requestBase: string): InstanceView[] {
    const self = { ...this.options.self, url: this.options.self.url ?? requestBase };
    return [view(self, this.options.rateLimited), ...this.options.fleet.filter((i) => i.name !== self.name).map((i) => view(i, false))];
  }

  get(name: string, requestBase: string): InstanceView {
    const found = this.list(requestBase).find((i) => i.name === name);
    if (!found) throw new StrataError('NOT_FOUND', `instance [${name}] not found`, { param: 'name' });
    return found;
  }
}

function view(entry: InstanceEntry, rateLimited: boolean): InstanceView {
  const base = entry.url.replace(/\/+$/, '');
  const domain = new URL(base).host;
  return {
    name: entry.name, display: entry.display ?? entry.name, domain, xano_domain: domain, custom_domain: entry.customDomain ?? null,
    rate_limit: rateLimited, meta_api: `${base}/api:meta`, meta_swagger: `${base}/apispec:meta?type=json`,
  };
}
