import type { InstanceEntry } from '../core/instances.js';
import type { Limit } from './rate-limits.js';

/** How the server guards itself and describes itself (from configuration; tests pass their own). */
export interface AccessOptions {
  /** Failed authentications allowed per client address and window (null: no limit). */
  authFailures: Limit | null;
  /** Requests allowed per token (or console session) and window (null: no limit). */
  tokenRequests: Limit | null;
  /** Open connections one client address may hold (0: no limit). */
  maxConnectionsPerAddress: number;
  /** This instance's public base URL (behind a proxy); otherwise taken from each request. */
  publicUrl?: string;
  /** The hosts requests may name (Host / X-Forwarded-Host); others get 421. Empty: any host. */
  allowedHosts?: string[];
  display?: string;
  customDomain?: string;
  /** Other instances of the fleet, listed by the Master Metadata API. */
  fleet: InstanceEntry[];
}

export const DEFAULT_ACCESS: AccessOptions = {
  authFailures: { limit: 30, windowMs: 5 * 60_000 },
  tokenRequests: null,
  maxConnectionsPerAddress: 256,
  fleet: [],
};
