import { rfc3339 } from './rfc3339.js';

/** A record's id and metadata as Xata presents them: `id` as a string, `xata: {version, createdAt, updatedAt}` in RFC 3339. */
export function writeXataMeta(out: Record<string, unknown>, id: unknown, meta: { version: number; createdAt: number; updatedAt: number }): void {
  out.id = String(id);
  out.xata = { version: meta.version, createdAt: rfc3339(meta.createdAt), updatedAt: rfc3339(meta.updatedAt) };
}
