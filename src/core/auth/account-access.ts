import { FULL_ACCESS } from './scopes.js';
import { ROLE_MASKS, type Role } from './roles.js';

/** One workspace an account belongs to (a database; the Metadata API's workspace of the same id). */
export interface Membership { databaseId: number; databaseName: string; role: Role; permissions: number | null }

/**
 * What an account may do where, built once per token lookup: instance owners may do anything
 * anywhere; other accounts only in the workspaces they are members of, up to their role's
 * mask (or their custom permissions). Lookups by name serve the data API (`/db/{db}:…`),
 * by id the Metadata API (`/workspace/{id}`).
 */
export class AccountAccess {
  private readonly byId = new Map<number, Membership>();
  private readonly byName = new Map<string, Membership>();

  constructor(readonly isOwner: boolean, readonly memberships: readonly Membership[]) {
    for (const m of memberships) { this.byId.set(m.databaseId, m); this.byName.set(m.databaseName, m); }
  }

  /** The membership in a workspace, by database name or id; undefined when not a member. */
  membership(ref: string | number): Membership | undefined {
    return typeof ref === 'number' ? this.byId.get(ref) : this.byName.get(ref);
  }

  /** The permission mask in a workspace: 0 for a non-member (who must not even learn that it exists). */
  mask(ref: string | number): number {
    if (this.isOwner) return FULL_ACCESS;
    const m = this.membership(ref);
    return m ? maskOf(m) : 0;
  }

  canSee(ref: string | number): boolean {
    return this.isOwner || this.membership(ref) !== undefined;
  }
}

export const maskOf = (m: Pick<Membership, 'role' | 'permissions'>): number => m.permissions ?? ROLE_MASKS[m.role];

/** Full access everywhere: for the CLI and other in-process callers. */
export const INSTANCE_OWNER_ACCESS = new AccountAccess(true, []);
