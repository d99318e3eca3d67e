import { useState } from 'react';
import { getRecord, isVersionConflict, updateRecord, type TableRef } from './records-api';
import { parseEditorText } from './cell-values';
import { nestedBody, type GridColumn, type XataRecord } from './table-columns';

/** The cell being edited, with the version of its record as the user saw it when editing began. */
export interface Editing { id: string; path: string; version: number; initial: string }
/** An edit the API refused because someone else changed the record: both values, until the user chooses. */
export interface Conflict { id: string; column: GridColumn; mine: unknown; current: XataRecord }

/**
 * Inline edits with optimistic concurrency: a save is a PATCH with `ifVersion` = the version
 * the user saw. When the record moved on meanwhile, nothing is overwritten: the current
 * record is fetched and the conflict kept for the user to reload or overwrite, knowingly.
 */
export function useCellEdits(table: TableRef, onSaved: (record: XataRecord) => void) {
  const [editing, setEditing] = useState<Editing | null>(null);
  const [saving, setSaving] = useState(false);
  const [cellError, setCellError] = useState<string | undefined>();
  const [conflicts, setConflicts] = useState<Record<string, Conflict>>({});

  const settleConflict = (id: string) => setConflicts(({ [id]: _gone, ...rest }) => rest);

  async function write(column: GridColumn, id: string, value: unknown, version: number): Promise<void> {
    try {
      onSaved(await updateRecord(table, id, nestedBody(column.path, value), version));
      settleConflict(id);
    } catch (err) {
      if (!isVersionConflict(err)) throw err;
      const current = await getRecord(table, id);
      setConflicts((all) => ({ ...all, [id]: { id, column, mine: value, current } }));
    }
  }

  return {
    editing, saving, cellError, conflicts,
    start(record: XataRecord, path: string, initial: string) {
      setCellError(undefined);
      setEditing({ id: record.id, path, version: record.xata.version, initial });
    },
    cancel() { setEditing(null); setCellError(undefined); },
    async save(column: GridColumn, text: string) {
      if (!editing) return;
      let value: unknown;
      try { value = parseEditorText(column, text); } catch (err) { setCellError((err as Error).message); return; }
      setSaving(true);
      try {
        await write(column, editing.id, value, editing.version);
        setEditing(null);
        setCellError(undefined);
      } catch (err) {
        setCellError((err as Error).message); // a validation error, in the API's words
      } finally { setSaving(false); }
    },
    /** Discards my value: the row shows the record as it is now. */
    async reload(conflict: Conflict) {
      onSaved(await getRecord(table, conflict.id));
      settleConflict(conflict.id);
    },
    /** Writes my value over the current version (a newer change still conflicts again). */
    async overwrite(conflict: Conflict) {
      await write(conflict.column, conflict.id, conflict.mine, conflict.current.xata.version);
    },
  };
}
