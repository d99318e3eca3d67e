import { useState } from 'react';
import { displayValue } from './cell-values';
import type { Conflict } from './use-cell-edits';
import { valueAt } from './table-columns';

/**
 * Shown on a row whose save was refused because someone else changed the record since it
 * was loaded: their value and mine, and the two honest ways on (nothing was overwritten).
 */
export function ConflictNotice({ conflict, onReload, onOverwrite }: {
  conflict: Conflict; onReload: () => Promise<void>; onOverwrite: () => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const { column, current, mine, id } = conflict;
  const show = (value: unknown) => displayValue(column, value) || '(empty)';
  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try { await action(); } catch (err) { setError(err as Error); setBusy(false); }
  }
  return (
    <div className="notice warn conflict" role="alert">
      <p><strong>Record {id} was changed by someone else</strong> since you loaded it, so your edit was not saved.</p>
      <p>
        <code>{column.path}</code> is now <strong className="conflict-current">{show(valueAt(current, column.path))}</strong>{' '}
        (version {current.xata.version}); your value: <strong className="conflict-mine">{show(mine)}</strong>.
      </p>
      {error && <p className="cell-error">{error.message}</p>}
      <div className="toolbar">
        <button type="button" disabled={busy} onClick={() => void run(onReload)}>Reload record</button>
        <button type="button" className="danger" disabled={busy} onClick={() => void run(onOverwrite)}>Overwrite with my value</button>
      </div>
    </div>
  );
}
