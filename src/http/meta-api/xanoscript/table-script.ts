import { StrataError } from '../../../kernel/errors.js';
import { PRIMARY_INDEX } from '../../../kernel/model/table-index.js';
import type { BranchSchema, TableModel } from '../../../kernel/model/table-model.js';
import { describeSchema } from '../../../core/schema/xano-column-output.js';
import type { TableCreateInput } from '../../../core/schema/xano-tables.js';
import { alignWith, descriptorOf, fieldOf, indexBodiesOf, scriptIndexOf, type TableNames } from './descriptors.js';
import type { XanoDescriptor } from '../../../core/schema/xano-column-output.js';
import { parseTable } from './parse-table.js';
import { printTable } from './print-table.js';
import type { XsTable } from './table-definition.js';

/**
 * A table as XanoScript (`include_xanoscript=true`) and a XanoScript body as the input the
 * JSON table endpoints take: the script's schema becomes the descriptors `PUT …/schema`
 * takes and its indexes the bodies `PUT …/index` takes, so both go through the same core code.
 */
export type XanoScriptView = { status: 'ok'; value: string } | { status: 'error'; value: string; message: string };

export function tableNames(schema: BranchSchema): TableNames {
  const tables = [...schema.tables.values()];
  return {
    nameOf: (id) => tables.find((t) => t.id === id)?.name,
    idOf: (name) => schema.tables.get(name)?.id,
  };
}

export function tableDefinition(table: TableModel, schema: BranchSchema): XsTable {
  const names = tableNames(schema);
  const guid = table.meta?.guid;
  return {
    name: table.name, description: table.meta?.description ?? '', auth: table.meta?.auth ?? false,
    ...(guid ? { guid } : {}), tags: table.meta?.tag ?? [],
    schema: describeSchema(table, schema).map((d) => fieldOf(d, names)),
    index: [PRIMARY_INDEX, ...(table.meta?.index ?? [])].map(scriptIndexOf),
  };
}

export function xanoscriptView(table: TableModel, schema: BranchSchema): XanoScriptView {
  try {
    return { status: 'ok', value: printTable(tableDefinition(table, schema)) };
  } catch (err) {
    return { status: 'error', value: '', message: (err as Error).message };
  }
}

/** A parsed script → the JSON endpoints' input (spelled as `current`, the table's descriptors, where it can be); `schema.N` errors later name the field's line. */
export interface ScriptInput { definition: XsTable; input: Required<Pick<TableCreateInput, 'name' | 'description' | 'auth' | 'tag'>> & TableCreateInput & { schema: unknown[]; index: unknown[] } }

export function scriptInput(source: string, schema: BranchSchema, current: XanoDescriptor[] = []): ScriptInput {
  const definition = parseTable(source);
  const names = tableNames(schema);
  return {
    definition,
    input: {
      name: definition.name, description: definition.description, auth: definition.auth, tag: definition.tags,
      ...(definition.guid !== undefined ? { guid: definition.guid } : {}),
      schema: definition.schema.map((f) => { const d = descriptorOf(f, names); return alignWith(current.find((c) => c.name === d.name), d); }),
      index: indexBodiesOf(definition.index),
    },
  };
}

/** Runs `work`; an input error about `schema.N…` also names the line of the script's N-th field. */
export async function withScriptLines<T>(definition: XsTable, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const n = err instanceof StrataError ? /^schema\.(\d+)/.exec(err.param ?? '')?.[1] : undefined;
    const at = n === undefined ? undefined : definition.schema[Number(n)]?.at;
    if (!at) throw err;
    const e = err as StrataError;
    throw new StrataError(e.code, `XanoScript line ${at.line}, column ${at.column}: ${e.message}`, { param: e.param });
  }
}
