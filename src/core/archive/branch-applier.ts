import { PassThrough } from 'node:stream';
import { StrataError } from '../../kernel/errors.js';
import { TableModel, type TableRecord } from '../../kernel/model/table-model.js';
import type { ArchivedRecord, SystemRow, SystemTableName } from '../ports/archive-store.js';
import type { BranchStore, Storage } from '../ports/storage.js';
import { fileLeaves } from '../files/file-write.js';
import { isLibraryRef, libraryFileLeaves } from '../files/library-refs.js';
import type { BodyLine } from './archive-format.js';

/** A restore may only fill an empty target. */
export const notEmpty = (what: string) => new StrataError('CONFLICT', `${what} is not empty: an archive is restored only into an empty one (strata restore --force replaces it)`, { param: 'file' });

/** What restores the lines of an archive into a target (an instance, a workspace). */
export interface Applier {
  line(line: BodyLine): Promise<void>;
  end(): Promise<void>;
}

/** What both appliers share: a branch's tables, its migrations and records, blobs streamed into the store. */
export abstract class BranchApplier implements Applier {
  protected readonly models = new Map<number, Map<string, TableModel>>();
  private blob: { pass: PassThrough; done: Promise<unknown> } | undefined;
  /** Blobs this restore wrote (undone on failure). */
  protected readonly written: string[] = [];

  constructor(protected readonly storage: Storage) {}

  /** The target branch of an archived branch id (undefined: the branch is not restored). */
  protected abstract branchId(archived: number): number | undefined;
  protected abstract system(table: SystemTableName, row: SystemRow): Promise<void>;
  protected blobKey(archived: string): string { return archived; }
  protected blobOwner(archived: number | null): number | undefined { return archived ?? undefined; }
  protected skipRecords = false;
  /** Whether blobs get new keys (blobKey), so file values must be rewritten. */
  protected rekeys = false;

  async line(line: BodyLine): Promise<void> {
    if ((line.t === 'schema' || line.t === 'migration' || line.t === 'records') && this.branchId(line.branch) === undefined) return;
    switch (line.t) {
      case 'system': return this.system(line.table, line.row);
      case 'schema': {
        const models = new Map(line.tables.map((t) => [t.name, new TableModel(t)]));
        this.models.set(line.branch, models);
        await (await this.storage.branch(this.branchId(line.branch)!)).transaction(async (tx) => {
          for (const record of line.tables) await createArchivedTable(tx, record, models);
          for (const [name, next] of Object.entries(line.nextIds)) {
            const model = models.get(name);
            if (model) await tx.setNextId(model, next);
          }
        });
        return;
      }
      case 'migration':
        await (await this.storage.branch(this.branchId(line.branch)!)).transaction((tx) => tx.insertMigration(line.row));
        return;
      case 'records': {
        if (this.skipRecords) return;
        const table = this.models.get(line.branch)?.get(line.table);
        if (!table) throw new StrataError('BAD_REQUEST', `not a valid Strata archive: records of table [${line.table}] come before its schema`);
        const rows = this.rewriteFiles(table, line.rows);
        await (await this.storage.branch(this.branchId(line.branch)!)).transaction((tx) => tx.insertArchivedRecords(table, rows));
        return;
      }
      case 'blob': {
        if (this.skipRecords) return;
        const key = this.blobKey(line.key);
        const pass = new PassThrough();
        this.blob = { pass, done: this.storage.blobs.put(key, pass, Number.MAX_SAFE_INTEGER, this.blobOwner(line.owner)) };
        this.written.push(key);
        return;
      }
      case 'blob-part':
        if (this.blob && !this.blob.pass.write(Buffer.from(line.data, 'base64'))) await new Promise((resolve) => this.blob!.pass.once('drain', resolve));
        return;
      case 'blob-end':
        if (!this.blob) return;
        this.blob.pass.end();
        await this.blob.done;
        this.blob = undefined;
        return;
    }
  }

  protected async checkEnd(): Promise<void> {}

  /**
   * File values name their blob by key, and Xano's media columns a library file by id: a
   * restore under new keys and ids rewrites them.
   */
  private rewriteFiles(table: TableModel, rows: ArchivedRecord[]): ArchivedRecord[] {
    if (!this.rekeys) return rows;
    const files = new Set(fileLeaves(table).map((l) => l.path));
    const library = new Set(libraryFileLeaves(table).map((l) => l.path));
    if (files.size === 0 && library.size === 0) return rows;
    const rekey = (file: unknown) => (file && typeof file === 'object' && typeof (file as { key?: unknown }).key === 'string' ? { ...file, key: this.blobKey((file as { key: string }).key) } : file);
    const relink = (file: unknown) => (isLibraryRef(file) && this.libraryId(file.id) !== undefined ? { ...file, id: this.libraryId(file.id)! } : file);
    return rows.map((row) => {
      const values = { ...row.values };
      for (const [path, v] of Object.entries(values)) {
        const fix = files.has(path) ? rekey : library.has(path) ? relink : undefined;
        if (fix) values[path] = Array.isArray(v) ? v.map(fix) : fix(v);
      }
      return { ...row, values };
    });
  }

  /** The new id of an archived library file (workspace imports). */
  protected libraryId(_archived: number): number | undefined { return undefined; }

  async end(): Promise<void> {
    await this.checkEnd();
    if (this.blob) throw new StrataError('BAD_REQUEST', 'not a valid Strata archive: a file ends without its blob-end line');
  }
}

/** Tables as they were: DDL, catalog record (Xano metadata, search settings), then the Metadata API's indexes. */
async function createArchivedTable(tx: Parameters<Parameters<BranchStore['transaction']>[0]>[0], record: TableRecord, models: Map<string, TableModel>): Promise<void> {
  const model = models.get(record.name)!;
  const links = new Map<string, TableModel>();
  for (const leaf of model.leaves) {
    if (!leaf.link) continue;
    const target = models.get(leaf.link.table);
    if (target) links.set(leaf.path, target);
  }
  await tx.createTable(record, links);
  await tx.saveTableRecord(record);
  for (const index of record.meta?.index ?? []) await tx.createIndex(model, index);
}
