import type { BranchContext, DatabaseService } from './databases.js';
import { StrataError } from '../kernel/errors.js';
import type { InstanceSettings } from './instance-settings.js';
import { assertBranchName } from './names.js';
import {
  BACKS_XANO_BRANCH, LIVE, workspaceDocKey, type WorkspaceDoc, type WorkspaceService, type XanoBranchEntry,
} from './workspaces.js';

/**
 * Xano's branches (the Metadata API's `/workspace/{id}/branch…`), backed by Strata branches.
 * The default branch `v1` is branch main with its data sources. Any other Xano branch is a
 * Strata branch of its own (named `xano~<label>` when made, marked so it is not listed as a
 * data source), started as a copy of its source branch's schema without records — as a data
 * source starts. The labels, descriptions, colours and which branch is live are kept in the
 * workspace's settings document, so a label can change without renaming the Strata branch.
 */
export const DEFAULT_BRANCH = 'v1';
const DEFAULT_COLOR = '#ebc346';

export interface XanoBranch {
  label: string; createdAt: string; live: boolean; description: string; color: string;
  /** The Strata branch behind it (main for v1). */
  branch: string; branchId: number;
}
export interface XanoBranchInput { label: string; source?: string; description?: string; color?: string }
export interface XanoBranchPatch { label?: string; description?: string; color?: string }

const notFound = (label: string) => new StrataError('NOT_FOUND', `branch [${label}] not found`, { param: 'branch_label' });

export class XanoBranchService {
  constructor(private readonly databases: DatabaseService, private readonly workspaces: WorkspaceService, private readonly settings: InstanceSettings) {}

  private async doc(id: number): Promise<WorkspaceDoc> {
    return this.settings.get(workspaceDocKey(id)) as Promise<WorkspaceDoc>;
  }

  /** Every branch, v1 first; entries whose Strata branch was deleted elsewhere are left out. */
  async list(id: number): Promise<XanoBranch[]> {
    const { database } = await this.workspaces.get(id);
    const doc = await this.doc(id);
    const { branches } = await this.databases.branches(database.name);
    const byName = new Map(branches.map((b) => [b.name, b]));
    const live = doc.live !== undefined && doc.branches?.[doc.live] && byName.has(doc.branches[doc.live]!.branch) ? doc.live : DEFAULT_BRANCH;
    const main = byName.get('main')!;
    const out: XanoBranch[] = [{ label: DEFAULT_BRANCH, createdAt: database.createdAt, live: live === DEFAULT_BRANCH, description: '', color: DEFAULT_COLOR, branch: 'main', branchId: main.id }];
    for (const [label, entry] of Object.entries(doc.branches ?? {})) {
      const row = byName.get(entry.branch);
      if (row) out.push({ label, createdAt: entry.createdAt, live: live === label, description: entry.description, color: entry.color, branch: row.name, branchId: row.id });
    }
    return out;
  }

  async get(id: number, label: string): Promise<XanoBranch> {
    const found = (await this.list(id)).find((b) => b.label === label);
    if (!found) throw notFound(label);
    return found;
  }

  async live(id: number): Promise<XanoBranch> {
    return (await this.list(id)).find((b) => b.live)!;
  }

  /** A copy of `source`'s schema (default v1), without records. */
  async create(id: number, input: XanoBranchInput): Promise<XanoBranch> {
    const { database } = await this.workspaces.get(id);
    const branches = await this.list(id);
    try { assertBranchName(input.label); } catch (err) { throw new StrataError('BAD_REQUEST', (err as Error).message, { param: 'label' }); }
    if (branches.some((b) => b.label === input.label)) throw new StrataError('ALREADY_EXISTS', `branch [${input.label}] already exists`, { param: 'label' });
    const source = branches.find((b) => b.label === (input.source ?? DEFAULT_BRANCH));
    if (!source) throw new StrataError('NOT_FOUND', `source branch [${input.source}] not found`, { param: 'source_branch' });
    const taken = new Set((await this.databases.branches(database.name)).branches.map((b) => b.name));
    // Bounded: a label's Strata name is free, or one of its first numbered variants is.
    const name = [`xano~${input.label}`, ...Array.from({ length: 99 }, (_, i) => `xano~${input.label}~${i + 2}`)].find((n) => !taken.has(n));
    if (!name) throw new StrataError('CONFLICT', `no free Strata branch name for branch [${input.label}]`, { param: 'label' });
    const row = await this.databases.createBranch(database.name, name, { from: source.branch, metadata: { [BACKS_XANO_BRANCH]: true } });
    const entry: XanoBranchEntry = { branch: row.name, description: input.description ?? '', color: input.color ?? DEFAULT_COLOR, createdAt: row.createdAt };
    await this.saveEntries(id, { ...(await this.doc(id)).branches, [input.label]: entry });
    return this.get(id, input.label);
  }

  /** Label, description and colour; v1 is the default branch and keeps its label. */
  async update(id: number, label: string, patch: XanoBranchPatch): Promise<XanoBranch> {
    const current = await this.get(id, label);
    if (current.label === DEFAULT_BRANCH) throw new StrataError('BAD_REQUEST', `branch [${DEFAULT_BRANCH}] is the default branch (main and its data sources): it cannot be edited`, { param: 'branch_label' });
    const doc = await this.doc(id);
    const entries = { ...doc.branches };
    const next = patch.label ?? label;
    if (next !== label) {
      try { assertBranchName(next); } catch (err) { throw new StrataError('BAD_REQUEST', (err as Error).message, { param: 'label' }); }
      if ((await this.list(id)).some((b) => b.label === next)) throw new StrataError('ALREADY_EXISTS', `branch [${next}] already exists`, { param: 'label' });
    }
    const entry = entries[label]!;
    delete entries[label];
    entries[next] = { ...entry, description: patch.description ?? entry.description, color: patch.color ?? entry.color };
    await this.saveEntries(id, entries, doc.live === label ? next : doc.live);
    return this.get(id, next);
  }

  /** Neither the default branch nor the live one can be deleted (Xano's rule); its Strata branch and records go. */
  async remove(id: number, label: string): Promise<void> {
    const current = await this.get(id, label);
    if (current.label === DEFAULT_BRANCH) throw new StrataError('BAD_REQUEST', `branch [${DEFAULT_BRANCH}] is the default branch: it cannot be deleted`, { param: 'branch_label' });
    if (current.live) throw new StrataError('BAD_REQUEST', `branch [${label}] is live: set another branch live first`, { param: 'branch_label' });
    const { database } = await this.workspaces.get(id);
    await this.databases.removeBranch(database.name, current.branch);
    const entries = { ...(await this.doc(id)).branches };
    delete entries[label];
    await this.saveEntries(id, entries);
  }

  async setLive(id: number, label: string): Promise<XanoBranch> {
    await this.get(id, label);
    await this.settings.merge(workspaceDocKey(id), { live: label });
    return this.get(id, label);
  }

  /**
   * The Strata branch a Metadata API request works on: the Xano branch `?branch=` names
   * (empty: the live one), then — on v1 only, whose data sources they are — the data source
   * `x-data-source` names (default live).
   */
  async resolve(id: number, label: string | undefined, dataSource: string): Promise<BranchContext> {
    const branch = label ? await this.get(id, label) : await this.live(id);
    if (branch.label === DEFAULT_BRANCH) return this.workspaces.dataSourceBranch(id, dataSource);
    if (dataSource !== LIVE) {
      throw new StrataError('BAD_REQUEST', `data sources belong to branch [${DEFAULT_BRANCH}]: branch [${branch.label}] has only its own (send x-data-source: live, or no header)`, { param: 'x-data-source' });
    }
    const { database } = await this.workspaces.get(id);
    return this.databases.resolve(database.name, branch.branch);
  }

  private async saveEntries(id: number, branches: Record<string, XanoBranchEntry>, live?: string): Promise<void> {
    await this.settings.merge(workspaceDocKey(id), { branches, ...(live !== undefined ? { live } : {}) });
  }
}
