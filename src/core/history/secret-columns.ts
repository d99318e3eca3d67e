import type { BranchSchema } from '../../kernel/model/table-model.js';
import type { XanoColumn, XanoField } from '../../kernel/model/xano-column.js';
import type { DatabaseService } from '../databases.js';
import { StrataError } from '../../kernel/errors.js';
import type { SecretKeys } from './redact.js';

/**
 * The secret column names of the branch a request named: the workspace by id (Metadata API)
 * or database name (data API), the branch by name (`main` when the request names none).
 */
export interface SecretColumnSource {
  /** Without waiting, when the branch's schema is loaded (it is, for a request that just read or wrote a table). */
  now(workspace: number | string, branch: string | null): SecretKeys | undefined;
  /** Loading the schema when `now` did not have it; an unknown workspace or branch has none. */
  load(workspace: number | string, branch: string | null): Promise<SecretKeys>;
}

export function branchSecrets(databases: DatabaseService): SecretColumnSource {
  return {
    now(workspace, branch) {
      const schema = databases.loadedSchema(workspace, branch ?? 'main');
      return schema && secretColumnNames(schema);
    },
    async load(workspace, branch) {
      try {
        const name = typeof workspace === 'string' ? workspace : (await databases.list()).find((d) => d.id === workspace)?.name;
        if (name === undefined) return new Set();
        return secretColumnNames(await (await databases.resolve(name, branch ?? 'main')).schema());
      } catch (err) {
        // No such database or branch: nothing was written there. Any other failure fails the
        // batch (dropped and counted) rather than storing it unredacted.
        if (err instanceof StrataError && err.code === 'NOT_FOUND') return new Set();
        throw err;
      }
    },
  };
}

/**
 * The names under which a branch's secret values travel: every column of Xano type `password`
 * or marked `sensitive`, of every table — by full path (`settings.pin`, as filters and
 * `columns` name it) and by its last segment (the key inside a nested object body). One set
 * for the whole branch, since one request may touch several tables (transactions, search
 * across tables, expanded links). Computed once per loaded schema: a schema change makes a
 * new BranchSchema, so the set follows it.
 */
const memo = new WeakMap<BranchSchema, SecretKeys>();

export function secretColumnNames(schema: BranchSchema): SecretKeys {
  let names = memo.get(schema);
  if (!names) {
    const found = new Set<string>();
    for (const table of schema.tables.values()) {
      for (const leaf of table.leaves) {
        if (leaf.xano && isSecret(leaf.xano)) found.add(leaf.path).add(leaf.path.slice(leaf.path.lastIndexOf('.') + 1));
        for (const field of leaf.xano?.children ?? []) addFields(field, found);
      }
    }
    names = found;
    memo.set(schema, names);
  }
  return names;
}

const isSecret = (xano: Pick<XanoColumn, 'type' | 'sensitive'>): boolean => xano.type === 'password' || xano.sensitive === true;

/** The fields of an object list (json): sensitive ones by name, at any depth. */
function addFields(field: XanoField, into: Set<string>): void {
  if (isSecret(field)) into.add(field.name);
  for (const child of field.children ?? []) addFields(child, into);
}
