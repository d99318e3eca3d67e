import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import { StrataError } from '../../kernel/errors.js';
import type { ColumnRef, SystemField } from '../../kernel/plans/filter-ast.js';
import type { PlanJoin } from '../../kernel/plans/select-plan.js';
import { columnNotFound } from '../xata-messages.js';

const SYSTEM_PATHS: Record<string, SystemField> = {
  id: 'id', 'xata.version': 'version', 'xata.createdAt': 'createdAt', 'xata.updatedAt': 'updatedAt',
};
const MAX_LINK_DEPTH = 5;

/** What a resolved path points at, with the table it belongs to (for link targets' id kinds). */
export interface ResolvedField { ref: ColumnRef; table: TableModel; linkTarget?: TableModel }

/** Resolves the column paths a filter names (FieldPaths for tables; summarize's for its groups). */
export interface PathResolver { resolve(path: string): ResolvedField }

/**
 * Resolves column paths used by filters, sorts and aggregations (`name`, `settings.plan`,
 * `xata.createdAt`, `team.name`, `team.owner.email`) to fields of the plan, adding a LEFT
 * JOIN per link followed (one per link path, shared by every path through it).
 */
export class FieldPaths implements PathResolver {
  readonly joins: PlanJoin[] = [];
  private readonly byLink = new Map<string, string>();

  constructor(private readonly schema: BranchSchema, readonly table: TableModel, private readonly aliasPrefix = 'f') {}

  resolve(path: string): ResolvedField {
    return this.resolveIn(this.table, 't0', path, path, 0);
  }

  private resolveIn(table: TableModel, alias: string, path: string, fullPath: string, depth: number): ResolvedField {
    const system = SYSTEM_PATHS[path];
    if (system) return { ref: { kind: 'column', tableAlias: alias, column: system }, table };
    const leaf = table.leaf(path);
    if (leaf) {
      const linkTarget = leaf.link ? this.schema.tables.get(leaf.link.table) : undefined;
      return { ref: { kind: 'column', tableAlias: alias, column: leaf }, table, ...(linkTarget ? { linkTarget } : {}) };
    }
    const link = linkPrefix(table, path);
    if (!link) throw columnNotFound(fullPath, this.table.name);
    if (depth >= MAX_LINK_DEPTH) throw new StrataError('BAD_REQUEST', `column [${fullPath}]: links can be followed ${MAX_LINK_DEPTH} levels deep at most`);
    const target = this.schema.tables.get(link.link!.table)!;
    return this.resolveIn(target, this.joinAlias(alias, link, target), path.slice(link.path.length + 1), fullPath, depth + 1);
  }

  private joinAlias(parentAlias: string, link: LeafColumn, target: TableModel): string {
    const key = `${parentAlias}>${link.path}`;
    let alias = this.byLink.get(key);
    if (!alias) {
      alias = `${this.aliasPrefix}${this.joins.length + 1}`;
      this.joins.push({ alias, parentAlias, linkPath: link.path, table: target });
      this.byLink.set(key, alias);
    }
    return alias;
  }
}

/** The link column a dotted path goes through first (`team.owner.name` → `team`), if any. */
export function linkPrefix(table: TableModel, path: string): LeafColumn | undefined {
  const parts = path.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const leaf = table.leaf(parts.slice(0, i).join('.'));
    if (leaf?.type === 'link') return leaf;
  }
  return undefined;
}
