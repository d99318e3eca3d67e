import type { HistoryCondition } from '../ports/history-store.js';
import { branchOf, labelOf } from '../workspaces.js';
import { DEFAULT_BRANCH, type XanoBranch } from '../xano-branches.js';

/**
 * Request history names the Strata branch a request ran on; Xano's tools see a Xano branch
 * (label and id) and, on v1, a data source. `v1` is main and its data sources (every Strata
 * branch not behind another Xano branch); another label is its own Strata branch. This maps
 * both ways for one workspace: recorded branch → what an entry shows, label or id → filter.
 */
export interface HistoryPlace {
  /** The Xano branch label (`v1`, …), or null for a request on no branch (the Xata control plane). */
  branch: string | null;
  branch_id: number | null;
  /** The data source (`live` = main) on v1; `live` on another branch, which has only its own. */
  datasource: string | null;
}

export class HistoryBranches {
  private readonly byName: Map<string, XanoBranch>;

  /** `branches` as XanoBranchService.list answers them: v1 first. */
  constructor(private readonly branches: XanoBranch[]) {
    this.byName = new Map(branches.slice(1).map((b) => [b.branch, b]));
  }

  private get v1(): XanoBranch {
    return this.branches[0]!;
  }

  place(recorded: string | null): HistoryPlace {
    if (recorded === null) return { branch: null, branch_id: null, datasource: null };
    const own = this.byName.get(recorded);
    if (own) return { branch: own.label, branch_id: own.branchId, datasource: labelOf('main') };
    return { branch: DEFAULT_BRANCH, branch_id: this.v1.branchId, datasource: labelOf(recorded) };
  }

  /**
   * The entries of the Xano branch `label`. A value that is no branch label of the workspace is
   * taken as a data source label (`live` = main), as Strata's history filter always took it.
   */
  label(label: string): HistoryCondition[] {
    const found = this.branches.find((b) => b.label === label);
    if (!found) return this.dataSource(label);
    return this.of(found);
  }

  /** The entries of the Xano branch with this id (S-2025's `branch_id`); undefined: no such branch, so no entry. */
  id(id: number): HistoryCondition[] | undefined {
    const found = this.branches.find((b) => b.branchId === id);
    return found ? this.of(found) : undefined;
  }

  dataSource(label: string): HistoryCondition[] {
    return [{ field: 'branch', op: '=', value: branchOf(label) }];
  }

  private of(branch: XanoBranch): HistoryCondition[] {
    if (branch.label !== DEFAULT_BRANCH) return [{ field: 'branch', op: '=', value: branch.branch }];
    const others = [...this.byName.keys()];
    // v1 is whatever no other Xano branch owns; with no other branch, every entry with a branch.
    return others.length > 0 ? [{ field: 'branch', op: 'not in', value: others }] : [{ field: 'branch', op: '!=', value: '' }];
  }
}
