import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import {
  branchSnapshot, gate, inspector, leafOf, migrate, newBranch, openEngine, readAll, readOne, schemaOf, sleep, sqliteBranchFile, tableOf, valuesOf,
  type OpenedStorage,
} from './fixtures.js';
import type { WriteValue } from '../../src/core/ports/storage.js';
import type { ColumnDefinition, LeafColumn } from '../../src/kernel/model/column-types.js';
import { TableModel, type TableRecord } from '../../src/kernel/model/table-model.js';
import { StrataError } from '../../src/kernel/errors.js';
import { buildProjection } from '../../src/core/records/projection.js';
import { applyMigration } from '../../src/core/schema/apply-migration.js';
import { sqliteDialect } from '../../src/storage/sqlite/sqlite-dialect.js';
import { postgresDialect } from '../../src/storage/postgres/postgres-dialect.js';

/** One column of every type (objects flatten to dotted leaves; links to a string-id and an int-id table). */
const ALL_COLUMNS: ColumnDefinition[] = [
  { name: 's', type: 'string' },
  { name: 't', type: 'text' },
  { name: 'e', type: 'email' },
  { name: 'i', type: 'int' },
  { name: 'f', type: 'float' },
  { name: 'b', type: 'bool' },
  { name: 'd', type: 'datetime' },
  { name: 'm', type: 'multiple' },
  { name: 'j', type: 'json' },
  { name: 'v', type: 'vector', vector: { dimension: 3 } },
  { name: 'o', type: 'object', columns: [{ name: 'x', type: 'string' }, { name: 'n', type: 'int' }] },
  { name: 'l', type: 'link', link: { table: 'targets' } },
  { name: 'li', type: 'link', link: { table: 'inttargets' } },
];

/** The SQL type each leaf gets on each engine. */
const SQL_TYPES: Record<'sqlite' | 'postgres', Record<string, string>> = {
  sqlite: {
    s: 'TEXT', t: 'TEXT', e: 'TEXT', i: 'INTEGER', f: 'REAL', b: 'INTEGER', d: 'INTEGER', m: 'TEXT', j: 'TEXT', v: 'TEXT',
    'o.x': 'TEXT', 'o.n': 'INTEGER', l: 'TEXT', li: 'INTEGER',
  },
  postgres: {
    s: 'TEXT', t: 'TEXT', e: 'TEXT', i: 'BIGINT', f: 'DOUBLE PRECISION', b: 'BOOLEAN', d: 'TIMESTAMP WITH TIME ZONE',
    m: 'TEXT[]', j: 'JSONB', v: 'DOUBLE PRECISION[]', 'o.x': 'TEXT', 'o.n': 'BIGINT', l: 'TEXT', li: 'BIGINT',
  },
};
const LEAF_PATHS = Object.keys(SQL_TYPES.sqlite);

const MAX = Number.MAX_SAFE_INTEGER;
const ms = (iso: string) => Date.parse(iso);

/** Rows of logical values that must come back exactly as written. */
function sampleRows(targetId: string, intTargetId: number): Array<Record<string, unknown>> {
  return [
    {
      s: 'héllo 👋 "double" \'single\' \\ back', t: 'long '.repeat(20_000), e: 'ada@example.com', i: MAX, f: 0.1, b: true,
      d: ms('2024-02-29T23:59:59.999Z'), m: ['a,b', 'with "quote"', '{brace}', 'NULL', '', 'back\\slash', 'ünï', ' spaced '],
      j: { nested: { arr: [1, 'two', null, true, 2.5], n: -0.125 }, 'key with space': 'v', empty: {}, list: [] },
      v: [0.1, -2.5, 1e-7], 'o.x': 'inner', 'o.n': -MAX, l: targetId, li: intTargetId,
    },
    {
      s: '', t: '', e: 'x.y+z@sub.example.org', i: -MAX, f: -1.5e300, b: false, d: ms('1970-01-01T00:00:00.001Z'),
      m: [], j: [1, 2, { a: 'b' }, [null]], v: [1.7976931348623157e308, -5e-324, 0], 'o.x': null, 'o.n': 0, l: null, li: null,
    },
    { s: 'strings', i: 0, f: 3, b: true, d: ms('9999-12-31T23:59:59.999Z'), j: 'just a json string', m: ['only'] },
    { s: 'numbers', i: 1, f: 2.5e-10, d: ms('1900-01-01T00:00:00.000Z'), j: 42.75 },
    { s: 'falsy', j: false, d: ms('2000-01-01T12:00:00.123Z') },
    { s: 'zero', j: 0, i: -1 },
    {},
  ];
}

/** What a row of sampleRows reads back as: every leaf present, missing ones null. */
const expectedValues = (row: Record<string, unknown>) => Object.fromEntries(LEAF_PATHS.map((p) => [p, row[p] === undefined ? null : row[p]]));

describeEachEngine('storage: branch store', (engine) => {
  let opened: OpenedStorage;
  // Transactions hand over constraint errors already mapped; raw engine errors map through the dialect.
  const mapError = (err: unknown) => (err instanceof StrataError ? err : (engine.name === 'sqlite' ? sqliteDialect : postgresDialect).mapError(err));

  beforeAll(async () => { opened = await openEngine(engine); });
  afterAll(async () => { await opened?.close(); });

  /** A branch with `targets` (string ids), `inttargets` (int ids) and `items` holding ALL_COLUMNS. */
  async function allTypesBranch() {
    const b = await newBranch(opened.storage);
    await migrate(b.store, [{ addTable: { table: 'targets' } }, { addColumn: { table: 'targets', column: { name: 'label', type: 'string' } } }]);
    await migrate(b.store, [{ addTable: { table: 'inttargets' } }, { addColumn: { table: 'inttargets', column: { name: 'label', type: 'string' } } }], { idKind: 'int' });
    await migrate(b.store, [{ addTable: { table: 'items' } }, ...ALL_COLUMNS.map((column) => ({ addColumn: { table: 'items', column } }))]);
    const targets = await tableOf(b.store, 'targets');
    const intTargets = await tableOf(b.store, 'inttargets');
    const { targetId, intTargetId } = await b.store.transaction(async (tx) => ({
      targetId: String(await tx.insertRecord(targets, 'tgt_1', valuesOf(targets, { label: 'one' }), 1000)),
      intTargetId: Number(await tx.insertRecord(intTargets, null, valuesOf(intTargets, { label: 'one' }), 1000)),
    }));
    return { ...b, targetId, intTargetId };
  }

  describe('schema changes through applyMigration', () => {
    it('creates tables with string ids and with auto-increment int ids', async () => {
      const { store, branchId } = await newBranch(opened.storage);
      const result = await migrate(store, [{ addTable: { table: 'people' } }, { addColumn: { table: 'people', column: { name: 'name', type: 'string' } } }]);
      expect(result).toMatchObject({ status: 'completed', parentMigrationID: '' });
      expect(result.migrationID).toMatch(/^mig_/);
      const second = await migrate(store, [{ addTable: { table: 'counters' } }, { addColumn: { table: 'counters', column: { name: 'n', type: 'int' } } }], { idKind: 'int' });
      expect(second.parentMigrationID).toBe(result.migrationID);

      const catalog = await store.loadCatalog();
      expect(catalog.lastMigrationId).toBe(second.migrationID);
      expect(catalog.tables.map((t) => [t.name, t.idKind, t.columns])).toEqual([
        ['people', 'string', [{ name: 'name', type: 'string' }]],
        ['counters', 'int', [{ name: 'n', type: 'int' }]],
      ]);
      expect((await store.listMigrations()).map((m) => m.id)).toEqual([result.migrationID, second.migrationID]);
      expect((await store.listMigrations())[0]!.operations).toEqual([{ addTable: { table: 'people' } }, { addColumn: { table: 'people', column: { name: 'name', type: 'string' } } }]);

      const inspect = await inspector(opened, branchId);
      try {
        expect(await inspect.tables()).toEqual(['counters', 'people']);
        const people = await inspect.columns('people');
        expect(Object.keys(people)).toEqual(['id', 'xata_version', 'xata_createdat', 'xata_updatedat', 'name']);
        expect(people.id!.type).toBe('TEXT');
        expect((await inspect.columns('counters')).id!.type).toBe(engine.name === 'sqlite' ? 'INTEGER' : 'BIGINT');
      } finally { await inspect.close(); }

      const people = await tableOf(store, 'people');
      const counters = await tableOf(store, 'counters');
      const ids = await store.transaction(async (tx) => {
        const out: Array<string | number> = [];
        out.push(await tx.insertRecord(people, 'rec_a', valuesOf(people, { name: 'A' }), 1));
        for (let k = 0; k < 3; k++) out.push(await tx.insertRecord(counters, null, valuesOf(counters, { n: k }), 1));
        return out;
      });
      expect(ids).toEqual(['rec_a', 1, 2, 3]);
      expect((await readAll(store, 'counters')).map((r) => [r.id, r.values.n])).toEqual([[1, 0], [2, 1], [3, 2]]);
    });

    it('int-id tables never reuse ids, also after an explicit id and after deletes', async () => {
      const { store } = await newBranch(opened.storage);
      await migrate(store, [{ addTable: { table: 'c' } }, { addColumn: { table: 'c', column: { name: 'n', type: 'int' } } }], { idKind: 'int' });
      const c = await tableOf(store, 'c');
      const first = await store.transaction((tx) => tx.insertRecord(c, null, valuesOf(c, { n: 1 }), 1));
      expect(first).toBe(1);
      // an explicit id (PUT /data/5 on an int table) must not make a later generated id collide
      await store.transaction((tx) => tx.insertRecord(c, '5', valuesOf(c, { n: 5 }), 1));
      const generated: Array<string | number> = [];
      for (let k = 0; k < 6; k++) generated.push(await store.transaction((tx) => tx.insertRecord(c, null, valuesOf(c, { n: 100 + k }), 1)));
      expect(new Set(generated).size).toBe(6);
      for (const id of generated) expect(id).not.toBe(5);
      expect(generated.every((id) => typeof id === 'number' && id > 1)).toBe(true);
      // delete the highest id: it is not handed out again
      const highest = Math.max(...generated.map(Number));
      expect(await store.transaction((tx) => tx.deleteRecord(c, highest))).toBe(1);
      const next = await store.transaction((tx) => tx.insertRecord(c, null, valuesOf(c, { n: 0 }), 1));
      expect(next).toBeGreaterThan(highest);
      expect(await store.countRows(c)).toBe(8);
    });

    it('adds columns of every type with the right SQL types and indexes', async () => {
      const { store, branchId } = await allTypesBranch();
      const items = await tableOf(store, 'items');
      expect(items.leaves.map((l) => l.path)).toEqual(LEAF_PATHS);
      expect(items.columns).toEqual(ALL_COLUMNS);
      const inspect = await inspector(opened, branchId);
      try {
        const columns = await inspect.columns('items');
        expect(Object.fromEntries(LEAF_PATHS.map((p) => [p, columns[p]?.type]))).toEqual(SQL_TYPES[engine.name]);
        // link columns are indexed
        expect(await inspect.indexes('items')).toEqual([{ columns: ['l'], unique: false }, { columns: ['li'], unique: false }]);
      } finally { await inspect.close(); }
    });

    it('adds notNull columns of every type with defaults to a table with rows, filling existing rows', async () => {
      const { store, branchId } = await newBranch(opened.storage);
      await migrate(store, [{ addTable: { table: 'r' } }, { addColumn: { table: 'r', column: { name: 'name', type: 'string' } } }]);
      const r = await tableOf(store, 'r');
      await store.transaction(async (tx) => {
        await tx.insertRecord(r, 'a', valuesOf(r, { name: 'a' }), 1);
        await tx.insertRecord(r, 'b', valuesOf(r, { name: 'b' }), 1);
      });
      const defaults: ColumnDefinition[] = [
        { name: 'ds', type: 'string', notNull: true, defaultValue: "it's" },
        { name: 'dt', type: 'text', notNull: true, defaultValue: 'long text' },
        { name: 'de', type: 'email', notNull: true, defaultValue: 'x@y.zz' },
        { name: 'di', type: 'int', notNull: true, defaultValue: '0' },
        { name: 'di2', type: 'int', notNull: true, defaultValue: '-9007199254740991' },
        { name: 'df', type: 'float', notNull: true, defaultValue: '2.5' },
        { name: 'db', type: 'bool', notNull: true, defaultValue: 'false' },
        { name: 'db2', type: 'bool', notNull: true, defaultValue: 'true' },
        { name: 'dd', type: 'datetime', notNull: true, defaultValue: '2020-05-06T07:08:09.010Z' },
        { name: 'dm', type: 'multiple', notNull: true, defaultValue: '["a","b\'c"]' },
        { name: 'dj', type: 'json', notNull: true, defaultValue: '{"k":[1,"v"]}' },
        { name: 'do', type: 'object', columns: [{ name: 'z', type: 'int', notNull: true, defaultValue: '7' }] },
      ];
      await migrate(store, defaults.map((column) => ({ addColumn: { table: 'r', column } })));
      const rows = await readAll(store, 'r');
      const expected = {
        name: 'a', ds: "it's", dt: 'long text', de: 'x@y.zz', di: 0, di2: -MAX, df: 2.5, db: false, db2: true,
        dd: ms('2020-05-06T07:08:09.010Z'), dm: ['a', "b'c"], dj: { k: [1, 'v'] }, 'do.z': 7,
      };
      expect(rows.map((row) => row.values)).toEqual([expected, { ...expected, name: 'b' }]);
      const inspect = await inspector(opened, branchId);
      try {
        const columns = await inspect.columns('r');
        for (const p of ['ds', 'dt', 'de', 'di', 'di2', 'df', 'db', 'db2', 'dd', 'dm', 'dj', 'do.z']) expect([p, columns[p]?.notNull]).toEqual([p, true]);
        expect(columns.name!.notNull).toBe(false);
      } finally { await inspect.close(); }
      // a notNull column without a default on a table with rows is refused, and nothing changes
      const before = await store.loadCatalog();
      await expect(migrate(store, [{ addColumn: { table: 'r', column: { name: 'req', type: 'string', notNull: true } } }])).rejects.toMatchObject({ code: 'INVALID_SCHEMA' });
      expect(await store.loadCatalog()).toEqual(before);
    });

    it('renames columns of every type (objects rename their leaves) keeping the data', async () => {
      const { store, branchId, targetId, intTargetId } = await allTypesBranch();
      const items = await tableOf(store, 'items');
      const rows = sampleRows(targetId, intTargetId);
      await store.transaction(async (tx) => {
        for (const [k, row] of rows.entries()) await tx.insertRecord(items, `r${k}`, valuesOf(items, row), 1000 + k);
      });
      const before = await readAll(store, 'items');
      const topLevel = ALL_COLUMNS.map((c) => c.name);
      await migrate(store, topLevel.map((name) => ({ renameColumn: { table: 'items', oldName: name, newName: `${name}_2` } })));
      // a leaf inside an object: a bare new name stays in its object
      await migrate(store, [{ renameColumn: { table: 'items', oldName: 'o_2.x', newName: 'x2' } }]);

      const renamed = await tableOf(store, 'items');
      const rename = (p: string) => (p === 'o.x' ? 'o_2.x2' : p.startsWith('o.') ? `o_2.${p.slice(2)}` : `${p}_2`);
      expect(renamed.leaves.map((l) => l.path)).toEqual(LEAF_PATHS.map(rename));
      const after = await readAll(store, 'items');
      expect(after.map((r) => ({ ...r, values: Object.fromEntries(Object.entries(r.values)) })))
        .toEqual(before.map((r) => ({ ...r, values: Object.fromEntries(Object.entries(r.values).map(([p, v]) => [rename(p), v])) })));
      const inspect = await inspector(opened, branchId);
      try {
        const columns = await inspect.columns('items');
        expect(Object.keys(columns).filter((c) => !c.startsWith('xata') && c !== 'id').sort()).toEqual(LEAF_PATHS.map(rename).sort());
        expect(await inspect.indexes('items')).toEqual([{ columns: ['l_2'], unique: false }, { columns: ['li_2'], unique: false }]);
      } finally { await inspect.close(); }
    });

    it('drops columns of every type, including indexed link and unique columns', async () => {
      const { store, branchId, targetId, intTargetId } = await allTypesBranch();
      await migrate(store, [
        { addColumn: { table: 'items', column: { name: 'u', type: 'string', unique: true } } },
        { addColumn: { table: 'items', column: { name: 'ou', type: 'object', columns: [{ name: 'k', type: 'int', unique: true }] } } },
      ]);
      const items = await tableOf(store, 'items');
      await store.transaction(async (tx) => {
        for (const [k, row] of sampleRows(targetId, intTargetId).entries()) await tx.insertRecord(items, `r${k}`, valuesOf(items, { ...row, u: `u${k}`, 'ou.k': k }), 1);
      });
      const inspect = await inspector(opened, branchId);
      try {
        expect(await inspect.indexes('items')).toEqual([
          { columns: ['l'], unique: false }, { columns: ['li'], unique: false }, { columns: ['ou.k'], unique: true }, { columns: ['u'], unique: true },
        ]);
        // renamed unique column, then dropped: the index follows the rename and goes with the column
        await migrate(store, [{ renameColumn: { table: 'items', oldName: 'u', newName: 'u2' } }]);
        await migrate(store, [{ removeColumn: { table: 'items', column: 'u2' } }]);
        await migrate(store, [{ removeColumn: { table: 'items', column: 'ou' } }]);
        expect(await inspect.indexes('items')).toEqual([{ columns: ['l'], unique: false }, { columns: ['li'], unique: false }]);
        // one leaf of an object, then everything else in one migration
        await migrate(store, [{ removeColumn: { table: 'items', column: 'o.x' } }]);
        expect((await tableOf(store, 'items')).leaves.map((l) => l.path)).toContain('o.n');
        await migrate(store, ALL_COLUMNS.map((c) => ({ removeColumn: { table: 'items', column: c.name } })));
        expect(Object.keys(await inspect.columns('items'))).toEqual(['id', 'xata_version', 'xata_createdat', 'xata_updatedat']);
        expect(await inspect.indexes('items')).toEqual([]);
      } finally { await inspect.close(); }
      expect((await tableOf(store, 'items')).columns).toEqual([]);
      expect((await readAll(store, 'items')).map((r) => r.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
      // a column of the same name can be added again, and it is empty
      await migrate(store, [{ addColumn: { table: 'items', column: { name: 'u', type: 'string', unique: true } } }]);
      expect((await readAll(store, 'items')).every((r) => r.values.u === null)).toBe(true);
    });

    it('renames a table without rewriting its data; links to it follow', async () => {
      const { store, branchId, targetId } = await allTypesBranch();
      const items = await tableOf(store, 'items');
      await store.transaction(async (tx) => {
        for (let k = 0; k < 50; k++) await tx.insertRecord(items, `r${String(k).padStart(2, '0')}`, valuesOf(items, { s: `v${k}`, i: k, l: targetId }), 5000 + k);
      });
      const inspect = await inspector(opened, branchId);
      try {
        const identityBefore = await inspect.storageIdentity('targets');
        const itemsIdentity = await inspect.storageIdentity('items');
        const targetsBefore = await readAll(store, 'targets');
        const itemsBefore = await readAll(store, 'items');
        await migrate(store, [{ renameTable: { oldName: 'targets', newName: 'goals' } }, { renameTable: { oldName: 'items', newName: 'things' } }]);

        expect(await inspect.tables()).toEqual(['goals', 'inttargets', 'things']);
        expect(await inspect.storageIdentity('goals')).toBe(identityBefore);
        expect(await inspect.storageIdentity('things')).toBe(itemsIdentity);
        expect(await readAll(store, 'goals')).toEqual(targetsBefore);
        expect(await readAll(store, 'things')).toEqual(itemsBefore);
        const catalog = await store.loadCatalog();
        expect(catalog.tables.map((t) => t.name)).toEqual(['goals', 'inttargets', 'things']);
        expect(catalog.tables.find((t) => t.name === 'things')!.columns.find((c) => c.name === 'l')).toEqual({ name: 'l', type: 'link', link: { table: 'goals' } });
        // the renamed table and its link still work: expand the link through a join
        const schema = await schemaOf(store);
        const things = schema.tables.get('things')!;
        const projection = buildProjection(schema, things, ['s', 'l.*']);
        const rows = await store.select({ ...projection.plan, where: { kind: 'idEquals', tableAlias: 't0', value: 'r07' } });
        expect(rows).toHaveLength(1);
        const root = projection.root;
        const expanded = root.expanded[0]!.node;
        expect(rows[0]![root.values[0]!.index]).toBe('v7');
        expect(rows[0]![expanded.system.id]).toBe(targetId);
        expect(rows[0]![expanded.values[0]!.index]).toBe('one');
      } finally { await inspect.close(); }
    });

    it('removes a table, and refuses to remove a linked one', async () => {
      const { store, branchId } = await allTypesBranch();
      await expect(migrate(store, [{ removeTable: { table: 'targets' } }])).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
      await migrate(store, [{ removeTable: { table: 'items' } }, { removeTable: { table: 'targets' } }]);
      const inspect = await inspector(opened, branchId);
      try {
        expect(await inspect.tables()).toEqual(['inttargets']);
      } finally { await inspect.close(); }
      expect((await store.loadCatalog()).tables.map((t) => t.name)).toEqual(['inttargets']);
      // the name is free again
      await migrate(store, [{ addTable: { table: 'items' } }]);
      expect((await store.loadCatalog()).tables.map((t) => t.name)).toEqual(['inttargets', 'items']);
    });

    it('a failing multi-op migration leaves catalog, SQL tables and rows exactly as before', async () => {
      const { store, branchId, targetId, intTargetId } = await allTypesBranch();
      const items = await tableOf(store, 'items');
      await store.transaction(async (tx) => {
        await tx.insertRecord(items, 'a', valuesOf(items, sampleRows(targetId, intTargetId)[0]!), 1);
        await tx.insertRecord(items, 'b', valuesOf(items, { s: 'second' }), 2);
      });
      const inspect = await inspector(opened, branchId);
      try {
        const before = await branchSnapshot(store, inspect);
        const identity = await inspect.storageIdentity('items');
        const failures: Array<{ ops: Parameters<typeof migrate>[1]; code?: string }> = [
          // core validation fails after DDL already ran
          {
            ops: [
              { addTable: { table: 'fresh' } },
              { addColumn: { table: 'fresh', column: { name: 'x', type: 'string', unique: true } } },
              { renameTable: { oldName: 'targets', newName: 'goals' } },
              { renameColumn: { table: 'items', oldName: 's', newName: 's2' } },
              { removeColumn: { table: 'items', column: 'v' } },
              { addColumn: { table: 'items', column: { name: 'new', type: 'int', unique: true } } },
              { removeColumn: { table: 'items', column: 'does_not_exist' } },
            ],
            code: 'NOT_FOUND',
          },
          // the database itself refuses a statement in the middle: a unique index over duplicate fills
          {
            ops: [
              { renameColumn: { table: 'items', oldName: 'o', newName: 'obj' } },
              { removeColumn: { table: 'items', column: 'l' } },
              { addTable: { table: 'fresh2' } },
              { addColumn: { table: 'items', column: { name: 'dup', type: 'string', notNull: true, unique: true, defaultValue: 'same' } } },
              { addColumn: { table: 'items', column: { name: 'never', type: 'bool' } } },
            ],
          },
          // dropping a table that other ops already touched, then failing
          {
            ops: [
              { addColumn: { table: 'items', column: { name: 'k', type: 'json' } } },
              { removeColumn: { table: 'items', column: 'li' } },
              { removeTable: { table: 'inttargets' } },
              { addTable: { table: 'items' } },
            ],
            code: 'ALREADY_EXISTS',
          },
        ];
        for (const { ops, code } of failures) {
          const err = await migrate(store, ops).then(() => undefined, (e: unknown) => e);
          expect(err).toBeDefined();
          if (code) expect(err).toMatchObject({ code });
          expect(await branchSnapshot(store, inspect)).toEqual(before);
          expect(await inspect.storageIdentity('items')).toBe(identity);
        }
        // and the branch still takes a good migration afterwards
        await migrate(store, [{ addColumn: { table: 'items', column: { name: 'ok', type: 'bool' } } }]);
        expect((await store.listMigrations()).length).toBe(before.migrations.length + 1);
      } finally { await inspect.close(); }
    });

    it('a unique index violation leaves the transaction as CONSTRAINT_VIOLATION (mapped by the dialect) and rolls back', async () => {
      const { store } = await newBranch(opened.storage);
      await migrate(store, [
        { addTable: { table: 'u' } },
        { addColumn: { table: 'u', column: { name: 'email', type: 'email', unique: true } } },
        { addColumn: { table: 'u', column: { name: 'profile', type: 'object', columns: [{ name: 'handle', type: 'string', unique: true }] } } },
        { addColumn: { table: 'u', column: { name: 'req', type: 'string', notNull: true } } },
      ]);
      const u = await tableOf(store, 'u');
      await store.transaction((tx) => tx.insertRecord(u, 'a', valuesOf(u, { email: 'a@x.io', 'profile.handle': 'ha', req: 'r' }), 1));

      const cases: Array<{ write: () => Promise<unknown>; column: string; code: string }> = [
        { write: () => store.transaction((tx) => tx.insertRecord(u, 'b', valuesOf(u, { email: 'a@x.io', req: 'r' }), 1)), column: 'email', code: 'CONSTRAINT_VIOLATION' },
        { write: () => store.transaction((tx) => tx.insertRecord(u, 'c', valuesOf(u, { 'profile.handle': 'ha', req: 'r' }), 1)), column: 'profile.handle', code: 'CONSTRAINT_VIOLATION' },
        { write: () => store.transaction((tx) => tx.insertRecord(u, 'a', valuesOf(u, { req: 'r' }), 1)), column: 'id', code: 'CONSTRAINT_VIOLATION' },
        {
          write: () => store.transaction(async (tx) => {
            await tx.insertRecord(u, 'd', valuesOf(u, { email: 'd@x.io', req: 'r' }), 1);
            return tx.updateRecord(u, 'd', new Map([[leafOf(u, 'email'), { kind: 'set', value: 'a@x.io' }]]), 2, {});
          }),
          column: 'email', code: 'CONSTRAINT_VIOLATION',
        },
        { write: () => store.transaction((tx) => tx.updateRecord(u, 'a', new Map([[leafOf(u, 'req'), { kind: 'set', value: null }]]), 2, {})), column: 'req', code: 'INVALID_VALUE' },
        { write: () => store.transaction((tx) => tx.updateRecord(u, 'a', new Map([[leafOf(u, 'email'), { kind: 'set', value: 'z@x.io' }]]), 2, { replace: true })), column: 'req', code: 'INVALID_VALUE' },
      ];
      for (const c of cases) {
        const err = await c.write().then(() => undefined, (e: unknown) => e);
        // The transaction hands over the engine's error already mapped by its dialect.
        expect(err).toBeInstanceOf(StrataError);
        const mapped = err as StrataError;
        expect([mapped.code, mapped.message]).toEqual([c.code, expect.stringContaining(`[${c.column}]`)]);
      }
      // nothing of the failed transactions stayed
      expect((await readAll(store, 'u')).map((r) => [r.id, r.version, r.values])).toEqual([
        ['a', 0, { email: 'a@x.io', 'profile.handle': 'ha', req: 'r' }],
      ]);
      expect(mapError(new Error('something else'))).toBeUndefined();
    });
  });

  describe('records', () => {
    it('values of every column type round-trip exactly', async () => {
      const { store, targetId, intTargetId } = await allTypesBranch();
      const items = await tableOf(store, 'items');
      const rows = sampleRows(targetId, intTargetId);
      const ids = await store.transaction(async (tx) => {
        const out: Array<string | number> = [];
        for (const [k, row] of rows.entries()) out.push(await tx.insertRecord(items, `r${k}`, valuesOf(items, row), 1_700_000_000_000 + k));
        return out;
      });
      expect(ids).toEqual(rows.map((_, k) => `r${k}`));
      const read = await readAll(store, 'items');
      expect(read).toEqual(rows.map((row, k) => ({
        id: `r${k}`, version: 0, createdAt: 1_700_000_000_000 + k, updatedAt: 1_700_000_000_000 + k, values: expectedValues(row),
      })));
      // the same through a transaction's reads
      expect(await store.transaction((tx) => readAll(tx, 'items'))).toEqual(read);
      // vectors are numbers, not strings; ints are numbers
      expect(read[0]!.values.v).toEqual([0.1, -2.5, 1e-7]);
      expect(typeof read[0]!.values.i).toBe('number');
      expect(typeof read[0]!.values.li).toBe('number');
      expect(typeof read[0]!.values.b).toBe('boolean');
    });

    it('updateRecord sets values, bumps the version and updatedAt each time', async () => {
      const { store, targetId, intTargetId } = await allTypesBranch();
      const items = await tableOf(store, 'items');
      await store.transaction((tx) => tx.insertRecord(items, 'r', valuesOf(items, sampleRows(targetId, intTargetId)[1]!), 1000));
      const set = (values: Record<string, unknown>) => new Map<LeafColumn, WriteValue>(Object.entries(values).map(([p, v]) => [leafOf(items, p), { kind: 'set', value: v }]));
      const changes = sampleRows(targetId, intTargetId)[0]!;
      expect(await store.transaction((tx) => tx.updateRecord(items, 'r', set(changes), 2000, {}))).toBe(1);
      let r = (await readOne(store, 'items', 'r'))!;
      expect(r).toEqual({ id: 'r', version: 1, createdAt: 1000, updatedAt: 2000, values: expectedValues(changes) });

      expect(await store.transaction((tx) => tx.updateRecord(items, 'r', set({ s: 'fresh' }), 3000, {}))).toBe(1);
      r = (await readOne(store, 'items', 'r'))!;
      expect([r.version, r.updatedAt, r.values.s]).toEqual([2, 3000, 'fresh']);
      expect(await store.transaction((tx) => tx.recordVersion(items, 'r'))).toBe(2);
      expect(await store.recordVersion(items, 'r')).toBe(2);
      expect(await store.recordVersion(items, 'missing')).toBeUndefined();

      // setting to null, and an update of a missing record
      expect(await store.transaction((tx) => tx.updateRecord(items, 'r', set({ m: null, j: null, v: null, d: null }), 4000, {}))).toBe(1);
      r = (await readOne(store, 'items', 'r'))!;
      expect([r.values.m, r.values.j, r.values.v, r.values.d, r.values.s]).toEqual([null, null, null, null, 'fresh']);
      expect(await store.transaction((tx) => tx.updateRecord(items, 'missing', set({ s: 'x' }), 4000, {}))).toBe(0);
    });

    it('replace nulls every column not given', async () => {
      const { store, targetId, intTargetId } = await allTypesBranch();
      const items = await tableOf(store, 'items');
      await store.transaction((tx) => tx.insertRecord(items, 'r', valuesOf(items, sampleRows(targetId, intTargetId)[0]!), 1000));
      const n = await store.transaction((tx) => tx.updateRecord(items, 'r', new Map<LeafColumn, WriteValue>([
        [leafOf(items, 's'), { kind: 'set', value: 'kept' }], [leafOf(items, 'o.n'), { kind: 'set', value: 3 }],
      ]), 2000, { replace: true }));
      expect(n).toBe(1);
      const r = (await readOne(store, 'items', 'r'))!;
      expect(r).toEqual({ id: 'r', version: 1, createdAt: 1000, updatedAt: 2000, values: expectedValues({ s: 'kept', 'o.n': 3 }) });
    });

    it('atomic numeric operators +, -, *, / on int and float columns, starting from null as zero', async () => {
      const { store } = await newBranch(opened.storage);
      await migrate(store, [
        { addTable: { table: 'n' } },
        { addColumn: { table: 'n', column: { name: 'i', type: 'int' } } },
        { addColumn: { table: 'n', column: { name: 'f', type: 'float' } } },
        { addColumn: { table: 'n', column: { name: 'big', type: 'int' } } },
      ]);
      const n = await tableOf(store, 'n');
      const i = leafOf(n, 'i');
      const f = leafOf(n, 'f');
      const big = leafOf(n, 'big');
      await store.transaction((tx) => tx.insertRecord(n, 'r', new Map(), 1));
      const op = (leaf: LeafColumn, o: '+' | '-' | '*' | '/', operand: number) =>
        store.transaction((tx) => tx.updateRecord(n, 'r', new Map<LeafColumn, WriteValue>([[leaf, { kind: 'op', op: o, operand }]]), 2, {}));
      const values = async () => (await readOne(store, 'n', 'r'))!.values;

      await op(i, '+', 10);
      await op(f, '+', 1.5);
      expect(await values()).toEqual({ i: 10, f: 1.5, big: null });
      await op(i, '-', 3);
      await op(f, '-', 0.25);
      expect(await values()).toMatchObject({ i: 7, f: 1.25 });
      await op(i, '*', 6);
      await op(f, '*', 4);
      expect(await values()).toMatchObject({ i: 42, f: 5 });
      await op(f, '/', 2);
      expect(await values()).toMatchObject({ f: 2.5 });
      // an int column stays an integer on both engines: integer division
      await op(i, '/', 5);
      expect(await values()).toMatchObject({ i: 8 });
      await op(i, '-', 17);
      await op(i, '/', 2);
      expect(await values()).toMatchObject({ i: -4 });
      expect(Number.isInteger((await values()).i)).toBe(true);
      // exact near 2^53 - 1
      await store.transaction((tx) => tx.updateRecord(n, 'r', new Map<LeafColumn, WriteValue>([[big, { kind: 'set', value: MAX - 10 }]]), 3, {}));
      await op(big, '+', 10);
      expect((await values()).big).toBe(MAX);
      await op(big, '-', MAX);
      expect((await values()).big).toBe(0);
      await op(big, '+', MAX);
      await op(big, '/', 3);
      expect((await values()).big).toBe(Math.trunc(MAX / 3));
      expect((await readOne(store, 'n', 'r'))!.version).toBe(15);
    });

    it('deleteRecord, existingIds, countRows and clearLinksTo', async () => {
      const { store, targetId, intTargetId } = await allTypesBranch();
      const items = await tableOf(store, 'items');
      const targets = await tableOf(store, 'targets');
      const intTargets = await tableOf(store, 'inttargets');
      const more = await store.transaction(async (tx) => {
        await tx.insertRecord(targets, 'tgt_2', valuesOf(targets, { label: 'two' }), 1);
        const second = await tx.insertRecord(intTargets, null, valuesOf(intTargets, { label: 'two' }), 1);
        for (let k = 0; k < 4; k++) {
          await tx.insertRecord(items, `r${k}`, valuesOf(items, { s: `r${k}`, l: k % 2 ? 'tgt_2' : targetId, li: k % 2 ? second : intTargetId }), 1);
        }
        return Number(second);
      });
      expect(await store.existingIds(targets, [targetId, 'tgt_2', 'nope'])).toEqual(new Set([targetId, 'tgt_2']));
      expect(await store.existingIds(intTargets, [intTargetId, more, 999])).toEqual(new Set([String(intTargetId), String(more)]));
      expect(await store.existingIds(targets, [])).toEqual(new Set());
      expect(await store.transaction((tx) => tx.existingIds(items, ['r0', 'r3', 'r9']))).toEqual(new Set(['r0', 'r3']));
      expect(await store.countRows(items)).toBe(4);

      await store.transaction(async (tx) => {
        expect(await tx.deleteRecord(targets, 'tgt_2')).toBe(1);
        await tx.clearLinksTo(items, leafOf(items, 'l'), ['tgt_2']);
        expect(await tx.deleteRecord(intTargets, intTargetId)).toBe(1);
        await tx.clearLinksTo(items, leafOf(items, 'li'), [intTargetId]);
        await tx.clearLinksTo(items, leafOf(items, 'li'), []);
      });
      expect((await readAll(store, 'items')).map((r) => [r.id, r.values.l, r.values.li])).toEqual([
        ['r0', targetId, null], ['r1', null, more], ['r2', targetId, null], ['r3', null, more],
      ]);
      expect(await store.transaction((tx) => tx.deleteRecord(items, 'r1'))).toBe(1);
      expect(await store.transaction((tx) => tx.deleteRecord(items, 'r1'))).toBe(0);
      expect(await store.countRows(items)).toBe(3);
      expect(await store.recordVersion(items, 'r1')).toBeUndefined();
    });

    it('select plans: filters (idEquals, idIn, and), limit, link joins and cached SQL with new parameters', async () => {
      const { store, targetId, intTargetId } = await allTypesBranch();
      const items = await tableOf(store, 'items');
      await store.transaction(async (tx) => {
        for (let k = 0; k < 10; k++) await tx.insertRecord(items, `r${k}`, valuesOf(items, { i: k, l: k < 5 ? targetId : null, li: intTargetId }), 1);
      });
      const ids = async (where?: Parameters<typeof readAll>[2], limit?: number) => (await readAll(store, 'items', where, limit)).map((r) => r.id);
      expect(await ids()).toHaveLength(10);
      expect(await ids({ kind: 'idIn', tableAlias: 't0', values: ['r1', 'r3', 'zz'] })).toEqual(['r1', 'r3']);
      expect(await ids({ kind: 'idIn', tableAlias: 't0', values: [] })).toEqual([]);
      expect(await ids({ kind: 'and', filters: [{ kind: 'idIn', tableAlias: 't0', values: ['r1', 'r2'] }, { kind: 'idEquals', tableAlias: 't0', value: 'r2' }] })).toEqual(['r2']);
      expect(await ids(undefined, 3)).toHaveLength(3);

      const schema = await schemaOf(store);
      const model = schema.tables.get('items')!;
      const projection = buildProjection(schema, model, ['i', 'l.*', 'li.label']);
      const byId = (id: string) => store.select({ ...projection.plan, where: { kind: 'idEquals', tableAlias: 't0', value: id } }, `${projection.key}|byId`);
      const root = projection.root;
      const [l, li] = root.expanded;
      const pick = (row: unknown[]) => [row[root.system.id], row[root.values[0]!.index], row[l!.node.system.id], row[l!.node.values[0]!.index], row[li!.node.system.id], row[li!.node.values[0]!.index]];
      // the second call reuses the compiled SQL with another parameter
      expect((await byId('r2')).map(pick)).toEqual([['r2', 2, targetId, 'one', intTargetId, 'one']]);
      expect((await byId('r7')).map(pick)).toEqual([['r7', 7, null, null, intTargetId, 'one']]);
      expect(await byId('nope')).toEqual([]);
      expect((await store.transaction((tx) => tx.select({ ...projection.plan, where: { kind: 'idEquals', tableAlias: 't0', value: 'r4' } }, `${projection.key}|byId`))).map(pick))
        .toEqual([['r4', 4, targetId, 'one', intTargetId, 'one']]);
    });

    it('createTable with columns creates their indexes (BranchTx.createTable directly)', async () => {
      const { store, branchId } = await newBranch(opened.storage);
      await migrate(store, [{ addTable: { table: 'dest' } }], { idKind: 'int' });
      const dest = await tableOf(store, 'dest');
      const record: TableRecord = {
        id: 0, name: 'direct', idKind: 'string', createdAt: new Date().toISOString(),
        columns: [{ name: 'code', type: 'string', unique: true, notNull: true }, { name: 'to', type: 'link', link: { table: 'dest' } }],
      };
      await store.transaction(async (tx) => {
        record.id = await tx.nextTableId();
        await tx.createTable(record, new Map([['to', dest]]));
        await tx.saveTableRecord(record);
      });
      expect(record.id).toBe(2);
      const inspect = await inspector(opened, branchId);
      try {
        expect(await inspect.columns('direct')).toMatchObject({ code: { notNull: true }, to: { type: engine.name === 'sqlite' ? 'INTEGER' : 'BIGINT' } });
        expect(await inspect.indexes('direct')).toEqual([{ columns: ['code'], unique: true }, { columns: ['to'], unique: false }]);
      } finally { await inspect.close(); }
      const direct = new TableModel(record);
      const err = await store.transaction(async (tx) => {
        await tx.insertRecord(direct, 'a', valuesOf(direct, { code: 'x' }), 1);
        await tx.insertRecord(direct, 'b', valuesOf(direct, { code: 'x' }), 1);
      }).then(() => undefined, (e: unknown) => e);
      expect(mapError(err)?.code).toBe('CONSTRAINT_VIOLATION');
      expect(await store.countRows(direct)).toBe(0);
    });
  });

  describe('branch copies', () => {
    async function sourceBranch() {
      const b = await newBranch(opened.storage);
      await migrate(b.store, [
        { addTable: { table: 'people' } },
        { addColumn: { table: 'people', column: { name: 'name', type: 'string', unique: true } } },
        { addColumn: { table: 'people', column: { name: 'tags', type: 'multiple' } } },
      ]);
      await migrate(b.store, [{ addTable: { table: 'seq' } }, { addColumn: { table: 'seq', column: { name: 'n', type: 'int' } } }], { idKind: 'int' });
      const people = await tableOf(b.store, 'people');
      const seq = await tableOf(b.store, 'seq');
      await b.store.transaction(async (tx) => {
        for (let k = 0; k < 5; k++) {
          await tx.insertRecord(people, `p${k}`, valuesOf(people, { name: `n${k}`, tags: [`t${k}`] }), 10 + k);
          await tx.insertRecord(seq, null, valuesOf(seq, { n: k }), 10 + k);
        }
      });
      return b;
    }

    async function newBranchRow(databaseId: number, name: string) {
      return opened.storage.system.insertBranch({ databaseId, name, createdAt: new Date().toISOString(), parent: 'main', metadata: {} });
    }

    it('copies schema and rows when asked; int ids continue after the copied ones', async () => {
      const src = await sourceBranch();
      const copyId = await newBranchRow(src.databaseId, 'with-data');
      await opened.storage.createBranchStorage(copyId, { branchId: src.branchId, copyData: true });
      const copy = await opened.storage.branch(copyId);

      expect(await copy.loadCatalog()).toEqual(await src.store.loadCatalog());
      expect(await copy.listMigrations()).toEqual(await src.store.listMigrations());
      expect(await readAll(copy, 'people')).toEqual(await readAll(src.store, 'people'));
      expect(await readAll(copy, 'seq')).toEqual(await readAll(src.store, 'seq'));

      const seq = await tableOf(copy, 'seq');
      const next = await copy.transaction((tx) => tx.insertRecord(seq, null, valuesOf(seq, { n: 99 }), 1));
      expect(next).toBe(6);
      // the unique index came along
      const people = await tableOf(copy, 'people');
      const err = await copy.transaction((tx) => tx.insertRecord(people, 'dup', valuesOf(people, { name: 'n0' }), 1)).then(() => undefined, (e: unknown) => e);
      expect(mapError(err)?.code).toBe('CONSTRAINT_VIOLATION');
      const inspect = await inspector(opened, copyId);
      try {
        expect(await inspect.indexes('people')).toEqual([{ columns: ['name'], unique: true }]);
      } finally { await inspect.close(); }
    });

    it('copies only the schema when data is not asked for', async () => {
      const src = await sourceBranch();
      const copyId = await newBranchRow(src.databaseId, 'schema-only');
      await opened.storage.createBranchStorage(copyId, { branchId: src.branchId, copyData: false });
      const copy = await opened.storage.branch(copyId);
      expect((await copy.loadCatalog()).tables).toEqual((await src.store.loadCatalog()).tables);
      expect(await readAll(copy, 'people')).toEqual([]);
      expect(await readAll(copy, 'seq')).toEqual([]);
      const seq = await tableOf(copy, 'seq');
      const first = await copy.transaction((tx) => tx.insertRecord(seq, null, valuesOf(seq, { n: 1 }), 1));
      expect(first).toBe(1); // a fresh table numbers from 1 on both engines
      expect(await readAll(copy, 'seq')).toHaveLength(1);
      // and the source still has everything
      expect(await readAll(src.store, 'seq')).toHaveLength(5);
    });

    it('branches are isolated, and dropBranchStorage removes one without touching the others', async () => {
      const src = await sourceBranch();
      const copyId = await newBranchRow(src.databaseId, 'isolated');
      await opened.storage.createBranchStorage(copyId, { branchId: src.branchId, copyData: true });
      const copy = await opened.storage.branch(copyId);
      const people = await tableOf(copy, 'people');
      await copy.transaction(async (tx) => {
        await tx.insertRecord(people, 'only-in-copy', valuesOf(people, { name: 'c' }), 1);
        await tx.updateRecord(people, 'p0', new Map<LeafColumn, WriteValue>([[leafOf(people, 'name'), { kind: 'set', value: 'changed' }]]), 2, {});
        await tx.deleteRecord(people, 'p1');
      });
      await migrate(copy, [{ addColumn: { table: 'people', column: { name: 'extra', type: 'bool' } } }, { addTable: { table: 'copy_only' } }]);
      await migrate(src.store, [{ renameTable: { oldName: 'seq', newName: 'seq_src' } }]);

      expect((await readAll(src.store, 'people')).map((r) => [r.id, r.values.name])).toEqual([['p0', 'n0'], ['p1', 'n1'], ['p2', 'n2'], ['p3', 'n3'], ['p4', 'n4']]);
      expect((await readAll(copy, 'people')).map((r) => r.id)).toEqual(['only-in-copy', 'p0', 'p2', 'p3', 'p4']);
      expect((await src.store.loadCatalog()).tables.map((t) => t.name)).toEqual(['people', 'seq_src']);
      expect((await copy.loadCatalog()).tables.map((t) => t.name)).toEqual(['people', 'seq', 'copy_only']);
      expect((await tableOf(src.store, 'people')).leaves.map((l) => l.path)).toEqual(['name', 'tags']);

      // a copy of the copy, then drop the middle one
      const grandId = await newBranchRow(src.databaseId, 'grandchild');
      await opened.storage.createBranchStorage(grandId, { branchId: copyId, copyData: true });
      await opened.storage.dropBranchStorage(copyId);
      await expect((async () => (await opened.storage.branch(copyId)).loadCatalog())()).rejects.toThrow();
      const grand = await opened.storage.branch(grandId);
      expect((await readAll(grand, 'people')).map((r) => r.id)).toEqual(['only-in-copy', 'p0', 'p2', 'p3', 'p4']);
      expect((await readAll(src.store, 'people'))).toHaveLength(5);
      if (engine.name === 'sqlite') {
        expect(fs.existsSync(sqliteBranchFile(opened.config.dataDir, copyId))).toBe(false);
        expect(fs.existsSync(sqliteBranchFile(opened.config.dataDir, grandId))).toBe(true);
      } else {
        const inspect = await inspector(opened, copyId);
        try { expect(await inspect.tables()).toEqual([]); } finally { await inspect.close(); }
      }
      // a dropped branch id can be created again, empty
      await opened.storage.createBranchStorage(copyId);
      expect((await (await opened.storage.branch(copyId)).loadCatalog()).tables).toEqual([]);
    });

    it('a copy after tables were renamed and columns dropped and added keeps rows aligned and ids fresh', async () => {
      const src = await sourceBranch();
      await migrate(src.store, [
        { removeColumn: { table: 'people', column: 'tags' } },
        { addColumn: { table: 'people', column: { name: 'age', type: 'int', notNull: true, defaultValue: '30' } } },
        { renameColumn: { table: 'people', oldName: 'name', newName: 'full_name' } },
        { renameTable: { oldName: 'seq', newName: 'numbers' } },
      ]);
      const numbers = await tableOf(src.store, 'numbers');
      expect(await src.store.transaction((tx) => tx.insertRecord(numbers, null, valuesOf(numbers, { n: 5 }), 1))).toBe(6);
      const copyId = await newBranchRow(src.databaseId, 'after-churn');
      await opened.storage.createBranchStorage(copyId, { branchId: src.branchId, copyData: true });
      const copy = await opened.storage.branch(copyId);
      expect(await readAll(copy, 'people')).toEqual(await readAll(src.store, 'people'));
      expect((await readAll(copy, 'people'))[0]!.values).toEqual({ full_name: 'n0', age: 30 });
      expect(await readAll(copy, 'numbers')).toEqual(await readAll(src.store, 'numbers'));
      const copied = await tableOf(copy, 'numbers');
      expect(await copy.transaction((tx) => tx.insertRecord(copied, null, valuesOf(copied, { n: 6 }), 1))).toBe(7);
      expect(await src.store.transaction((tx) => tx.insertRecord(numbers, null, valuesOf(numbers, { n: 6 }), 1))).toBe(7);
    });

    it('a copy taken while a schema change is open on the source copies a consistent branch', async () => {
      const src = await sourceBranch();
      const hold = gate();
      const entered = gate();
      const changing = src.store.transaction(async (tx) => {
        await applyMigration(tx, [
          { renameTable: { oldName: 'seq', newName: 'seq2' } },
          { addColumn: { table: 'people', column: { name: 'extra', type: 'string', notNull: true, defaultValue: 'e' } } },
        ]);
        entered.open();
        await hold.promise;
      });
      await entered.promise;
      const copyId = await newBranchRow(src.databaseId, 'during-ddl');
      const copying = opened.storage.createBranchStorage(copyId, { branchId: src.branchId, copyData: true });
      await sleep(100);
      hold.open();
      await changing;
      await copying;
      const copy = await opened.storage.branch(copyId);
      const catalog = await copy.loadCatalog();
      // the catalog and the tables agree: every catalog table reads with all its columns
      for (const t of catalog.tables) await readAll(copy, t.name);
      const inspect = await inspector(opened, copyId);
      try {
        expect(await inspect.tables()).toEqual(catalog.tables.map((t) => t.name).sort());
        const people = new TableModel(catalog.tables.find((t) => t.name === 'people')!);
        expect(Object.keys(await inspect.columns('people')).filter((c) => c !== 'id' && !c.startsWith('xata_')).sort())
          .toEqual(people.leaves.map((l) => l.path).sort());
      } finally { await inspect.close(); }
      expect(await readAll(copy, 'people')).toHaveLength(5);
    });

    it('a copy taken while a write transaction is open on the source succeeds and holds only committed data', async () => {
      const src = await sourceBranch();
      const people = await tableOf(src.store, 'people');
      const hold = gate();
      const entered = gate();
      const writing = src.store.transaction(async (tx) => {
        await tx.insertRecord(people, 'late', valuesOf(people, { name: 'late' }), 1);
        entered.open();
        await hold.promise;
      });
      await entered.promise;
      const copyId = await newBranchRow(src.databaseId, 'during-write');
      const copying = opened.storage.createBranchStorage(copyId, { branchId: src.branchId, copyData: true });
      await sleep(50);
      hold.open();
      await writing;
      await copying;
      const copied = (await readAll(await opened.storage.branch(copyId), 'people')).map((r) => r.id);
      // either a snapshot from before the write or from after its commit, never a half state
      expect([['p0', 'p1', 'p2', 'p3', 'p4'], ['late', 'p0', 'p1', 'p2', 'p3', 'p4']]).toContainEqual(copied);
      expect((await readAll(src.store, 'people')).map((r) => r.id)).toEqual(['late', 'p0', 'p1', 'p2', 'p3', 'p4']);
    });
  });

  describe('concurrency', () => {
    it('50 concurrent write transactions on one branch all commit and serialise', async () => {
      const { store } = await newBranch(opened.storage);
      await migrate(store, [
        { addTable: { table: 'acct' } },
        { addColumn: { table: 'acct', column: { name: 'balance', type: 'int' } } },
        { addColumn: { table: 'acct', column: { name: 'checked', type: 'int' } } },
      ]);
      const acct = await tableOf(store, 'acct');
      const balance = leafOf(acct, 'balance');
      const checked = leafOf(acct, 'checked');
      await store.transaction((tx) => tx.insertRecord(acct, 'a', valuesOf(acct, { balance: 0, checked: 0 }), 1));
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, k) => store.transaction(async (tx) => {
        // an atomic increment, and a read-modify-write guarded by the version just read
        await tx.updateRecord(acct, 'a', new Map<LeafColumn, WriteValue>([[balance, { kind: 'op', op: '+', operand: k + 1 }]]), 2, {});
        await tx.insertRecord(acct, `row${k}`, valuesOf(acct, { balance: k }), 2);
        const version = await tx.recordVersion(acct, 'a');
        const [row] = await readAll(tx, 'acct', { kind: 'idEquals', tableAlias: 't0', value: 'a' });
        if (k % 7 === 0) await sleep(2);
        // The guard the core applies for ifVersion: the version read earlier in the transaction still holds.
        if (await tx.recordVersion(acct, 'a') !== version) throw new Error('the record changed under the transaction');
        return tx.updateRecord(acct, 'a', new Map<LeafColumn, WriteValue>([[checked, { kind: 'set', value: (row!.values.checked as number) + 1 }]]), 2, {});
      })));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(results.map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual(Array(50).fill(1));
      const a = (await readOne(store, 'acct', 'a'))!;
      expect(a.values).toEqual({ balance: (50 * 51) / 2, checked: 50 });
      expect(a.version).toBe(100);
      expect(await store.countRows(acct)).toBe(51);
    });

    it('a read during a long write transaction does not see its uncommitted data', async () => {
      const { store } = await newBranch(opened.storage);
      await migrate(store, [{ addTable: { table: 'w' } }, { addColumn: { table: 'w', column: { name: 'n', type: 'int' } } }]);
      const w = await tableOf(store, 'w');
      await store.transaction((tx) => tx.insertRecord(w, 'existing', valuesOf(w, { n: 1 }), 1));
      const hold = gate();
      const entered = gate();
      const writing = store.transaction(async (tx) => {
        await tx.insertRecord(w, 'uncommitted', valuesOf(w, { n: 2 }), 1);
        await tx.updateRecord(w, 'existing', new Map<LeafColumn, WriteValue>([[leafOf(w, 'n'), { kind: 'set', value: 100 }]]), 2, {});
        expect((await readAll(tx, 'w')).map((r) => r.id)).toEqual(['existing', 'uncommitted']);
        entered.open();
        await hold.promise;
      });
      await entered.promise;
      try {
        // reads outside the transaction are neither blocked nor dirty
        const seen = await Promise.race([readAll(store, 'w'), sleep(5000).then(() => 'blocked' as const)]);
        expect(seen).not.toBe('blocked');
        expect((seen as Awaited<ReturnType<typeof readAll>>).map((r) => [r.id, r.values.n, r.version])).toEqual([['existing', 1, 0]]);
        expect(await store.countRows(w)).toBe(1);
        expect(await store.existingIds(w, ['uncommitted'])).toEqual(new Set());
      } finally {
        hold.open();
      }
      await writing;
      expect((await readAll(store, 'w')).map((r) => [r.id, r.values.n])).toEqual([['existing', 100], ['uncommitted', 2]]);
    });

    it('ids checked with existingIds and versions read with recordVersion stay locked until commit', async () => {
      const { store } = await newBranch(opened.storage);
      await migrate(store, [{ addTable: { table: 'k' } }, { addColumn: { table: 'k', column: { name: 'n', type: 'int' } } }]);
      const k = await tableOf(store, 'k');
      const n = leafOf(k, 'n');
      await store.transaction(async (tx) => {
        await tx.insertRecord(k, 'linked', valuesOf(k, { n: 0 }), 1);
        await tx.insertRecord(k, 'versioned', valuesOf(k, { n: 0 }), 1);
      });
      const events: string[] = [];
      const hold = gate();
      const entered = gate();
      const holder = store.transaction(async (tx) => {
        expect(await tx.existingIds(k, ['linked'])).toEqual(new Set(['linked']));
        expect(await tx.recordVersion(k, 'versioned')).toBe(0);
        entered.open();
        await hold.promise;
        await tx.updateRecord(k, 'versioned', new Map<LeafColumn, WriteValue>([[n, { kind: 'set', value: 1 }]]), 2, {});
        events.push('holder committing');
      });
      await entered.promise;
      const deleter = store.transaction((tx) => tx.deleteRecord(k, 'linked')).then((count) => { events.push('deleted'); return count; });
      const updater = store.transaction((tx) => tx.updateRecord(k, 'versioned', new Map<LeafColumn, WriteValue>([[n, { kind: 'op', op: '+', operand: 10 }]]), 3, {}))
        .then((count) => { events.push('updated'); return count; });
      await sleep(300);
      expect(events).toEqual([]);
      hold.open();
      await holder;
      expect(await deleter).toBe(1);
      expect(await updater).toBe(1);
      expect(events[0]).toBe('holder committing');
      expect((await readOne(store, 'k', 'versioned'))!.values.n).toBe(11);
    });

    it('a failed transaction rolls back all of its writes and the branch keeps working', async () => {
      const { store } = await newBranch(opened.storage);
      await migrate(store, [{ addTable: { table: 'w' } }, { addColumn: { table: 'w', column: { name: 'n', type: 'int' } } }]);
      const w = await tableOf(store, 'w');
      await expect(store.transaction(async (tx) => {
        await tx.insertRecord(w, 'x', valuesOf(w, { n: 1 }), 1);
        await tx.updateRecord(w, 'x', new Map<LeafColumn, WriteValue>([[leafOf(w, 'n'), { kind: 'op', op: '+', operand: 1 }]]), 2, {});
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(await store.countRows(w)).toBe(0);
      await store.transaction((tx) => tx.insertRecord(w, 'y', valuesOf(w, { n: 2 }), 1));
      expect((await readAll(store, 'w')).map((r) => r.id)).toEqual(['y']);
    });

    it('concurrent schema changes to one table serialise and all apply', async () => {
      const { store } = await newBranch(opened.storage);
      await migrate(store, [{ addTable: { table: 'grow' } }]);
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, k) =>
        migrate(store, [{ addColumn: { table: 'grow', column: { name: `c${k}`, type: 'int' } } }])));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const grow = await tableOf(store, 'grow');
      expect(grow.leaves.map((l) => l.path).sort()).toEqual(Array.from({ length: 8 }, (_, k) => `c${k}`).sort());
      // each migration's parent is the one before it: one linear history
      const migrations = await store.listMigrations();
      expect(migrations).toHaveLength(9);
      const ids = new Set(migrations.map((m) => m.id));
      expect(migrations.filter((m) => m.parentId === '' ).length).toBe(1);
      expect(new Set(migrations.map((m) => m.parentId)).size).toBe(9);
      for (const m of migrations) if (m.parentId) expect(ids.has(m.parentId)).toBe(true);
    });

    it('concurrent table creations on an empty branch all apply', async () => {
      const { store } = await newBranch(opened.storage);
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, k) => migrate(store, [{ addTable: { table: `t${k}` } }])));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const catalog = await store.loadCatalog();
      expect(catalog.tables.map((t) => t.name).sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
      expect(new Set(catalog.tables.map((t) => t.id)).size).toBe(6);
    });
  });
});
