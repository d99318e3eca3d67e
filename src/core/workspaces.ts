import { StrataError } from '../kernel/errors.js';
import type { BranchContext, DatabaseService } from './databases.js';
import type { AccountAccess } from './auth/account-access.js';
import type { InstanceSettings } from './instance-settings.js';
import type { BranchRow, DatabaseRow } from './ports/storage.js';

/**
 * Workspaces and data sources as the Metadata API sees them: a workspace IS the database of
 * the same name (its id is the database's id); data source `live` IS branch `main`, any
 * other data source the branch of the same name. What Xata has no place for (a workspace's
 * description, data source colours) is kept in an instance settings document per workspace.
 */
export interface Workspace { database: DatabaseRow; description: string; docs: WorkspaceDocs; liveBranch: string }
/**
 * Xano's workspace documentation settings (`swagger`, `documentation.require_token`): kept and
 * answered so tools that set them read them back. Strata serves no per-workspace API docs
 * (it has no API groups), so they switch nothing on or off here.
 */
export interface WorkspaceDocs { swagger: boolean; requireToken: boolean }
export interface WorkspacePatch { name?: string; description?: string; swagger?: boolean; requireToken?: boolean }
const DEFAULT_DOCS: WorkspaceDocs = { swagger: true, requireToken: false };
export interface DataSource { label: string; color: string; branch: BranchRow }

export const LIVE = 'live';
const LIVE_COLOR = '#008000';
const NEW_COLOR = '#ebc346';
/** A Xano branch other than the default (xano-branches.ts): the Strata branch behind it and what Xano shows of it. */
export interface XanoBranchEntry { branch: string; description: string; color: string; createdAt: string }
export interface WorkspaceDoc {
  description?: string; colors?: Record<string, string>; docs?: Partial<WorkspaceDocs>;
  /** Xano branches besides the default `v1`, by label; `live` names the live one (default v1). */
  branches?: Record<string, XanoBranchEntry>; live?: string;
}
/** Marks a Strata branch that backs a Xano branch (not a data source). */
export const BACKS_XANO_BRANCH = 'xanoBranch';
export const workspaceDocKey = (id: number) => `xano:workspace:${id}`;
const docsOf = (doc: WorkspaceDoc): WorkspaceDocs => ({ ...DEFAULT_DOCS, ...doc.docs });
/** The live Xano branch's label (xano-branches.ts; `v1` unless another was set live). */
const liveOf = (doc: WorkspaceDoc): string => (doc.live !== undefined && doc.branches?.[doc.live] ? doc.live : 'v1');

const notFound = (id: number) => new StrataError('NOT_FOUND', `workspace [${id}] not found`, { param: 'workspace_id' });
export const branchOf = (label: string): string => (label === LIVE ? 'main' : label);
export const labelOf = (branch: string): string => (branch === 'main' ? LIVE : branch);

export class WorkspaceService {
  constructor(private readonly databases: DatabaseService, private readonly settings: InstanceSettings) {}

  private docKey = workspaceDocKey;
  private async doc(id: number): Promise<WorkspaceDoc> {
    return this.settings.get(this.docKey(id)) as Promise<WorkspaceDoc>;
  }

  /** The workspaces, or only those `access` may see. */
  async list(access?: AccountAccess): Promise<Workspace[]> {
    const databases = await this.databases.list(access);
    return Promise.all(databases.map(async (database) => {
      const doc = await this.doc(database.id);
      return { database, description: doc.description ?? '', docs: docsOf(doc), liveBranch: liveOf(doc) };
    }));
  }

  async get(id: number): Promise<Workspace> {
    const database = (await this.databases.list()).find((d) => d.id === id);
    if (!database) throw notFound(id);
    const doc = await this.doc(id);
    return { database, description: doc.description ?? '', docs: docsOf(doc), liveBranch: liveOf(doc) };
  }

  async create(name: string, description = ''): Promise<Workspace> {
    const { database } = await this.databases.create(name);
    if (description) await this.settings.merge(this.docKey(database.id), { description });
    return { database, description, docs: { ...DEFAULT_DOCS }, liveBranch: liveOf({}) };
  }

  async update(id: number, patch: WorkspacePatch): Promise<Workspace> {
    const current = await this.get(id);
    const database = patch.name !== undefined ? await this.databases.rename(current.database.name, patch.name) : current.database;
    const docs: WorkspaceDocs = { swagger: patch.swagger ?? current.docs.swagger, requireToken: patch.requireToken ?? current.docs.requireToken };
    await this.settings.merge(this.docKey(id), { description: patch.description ?? current.description, docs });
    return { ...current, database, description: patch.description ?? current.description, docs };
  }

  async remove(id: number): Promise<void> {
    const { database } = await this.get(id);
    await this.databases.remove(database.name);
    await this.settings.merge(this.docKey(id), { description: undefined, colors: undefined, docs: undefined, branches: undefined, live: undefined });
  }

  async dataSources(id: number): Promise<DataSource[]> {
    const { database } = await this.get(id);
    const colors = (await this.doc(id)).colors ?? {};
    const { branches } = await this.databases.branches(database.name);
    // Strata branches behind Xano branches are not data sources.
    return branches.filter((branch) => branch.metadata[BACKS_XANO_BRANCH] !== true).map((branch) => {
      const label = labelOf(branch.name);
      return { label, branch, color: colors[label] ?? (label === LIVE ? LIVE_COLOR : NEW_COLOR) };
    });
  }

  /** The branch behind a data source label (the Metadata API's `x-data-source` header). */
  async dataSourceBranch(id: number, label: string): Promise<BranchContext> {
    const { database } = await this.get(id);
    const missing = () => new StrataError('NOT_FOUND', `data source [${label}] not found`, { param: 'x-data-source' });
    if (label === 'main') throw missing();
    let ctx: BranchContext;
    try {
      ctx = await this.databases.resolve(database.name, branchOf(label));
    } catch (err) {
      throw err instanceof StrataError && err.code === 'NOT_FOUND' ? missing() : err;
    }
    if (ctx.branch.metadata[BACKS_XANO_BRANCH] === true) throw missing();
    return ctx;
  }

  /** A new data source starts as a copy of live's schema, without its records (as Xano's do). */
  async createDataSource(id: number, label: string, color = NEW_COLOR): Promise<DataSource> {
    const { database } = await this.get(id);
    if (label === 'main') throw new StrataError('BAD_REQUEST', 'the label [main] is reserved: it is the live data source', { param: 'label' });
    const branch = await this.databases.createBranch(database.name, branchOf(label), { from: 'main' });
    await this.setColor(id, label, color);
    return { label, color, branch };
  }

  async updateDataSource(id: number, label: string, color: string | undefined): Promise<DataSource> {
    const source = (await this.dataSources(id)).find((s) => s.label === label);
    if (!source) throw new StrataError('NOT_FOUND', `data source [${label}] not found`, { param: 'label' });
    if (color !== undefined) await this.setColor(id, label, color);
    return { ...source, color: color ?? source.color };
  }

  async removeDataSource(id: number, label: string): Promise<void> {
    const { database } = await this.get(id);
    if (label === LIVE) throw new StrataError('BAD_REQUEST', 'the live data source cannot be deleted', { param: 'label' });
    if (label === 'main' || !(await this.dataSources(id)).some((s) => s.label === label)) throw new StrataError('NOT_FOUND', `data source [${label}] not found`, { param: 'label' });
    await this.databases.removeBranch(database.name, branchOf(label));
    const colors = { ...((await this.doc(id)).colors ?? {}) };
    delete colors[label];
    await this.settings.merge(this.docKey(id), { colors });
  }

  private async setColor(id: number, label: string, color: string): Promise<void> {
    const colors = { ...((await this.doc(id)).colors ?? {}), [label]: color };
    await this.settings.merge(this.docKey(id), { colors });
  }
}
