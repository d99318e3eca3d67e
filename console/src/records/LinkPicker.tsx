import { useEffect, useId, useState, type KeyboardEvent, type Ref } from 'react';
import { searchLinked, type LinkedRecord } from './link-records';
import type { TableRef } from './records-api';
import { useDebounced } from './use-debounced';

const SHOWN = 6;

/**
 * A link cell's editor: an ARIA combobox (list autocomplete). Typing searches the linked table
 * by id and by its label column; Down/Up move through the matches, Enter picks one (saved at
 * once), Escape closes the list (a second Escape cancels the edit). Typing an id and pressing
 * Enter with no match highlighted saves that id as typed, as before.
 */
export function LinkPicker({ target, label, value, onText, onPick, inputRef, onKeyDown, ...input }: {
  target: TableRef; label: string | undefined; value: string; onText: (text: string) => void; onPick: (id: string) => void;
  inputRef: Ref<HTMLInputElement>; onKeyDown: (event: KeyboardEvent) => void;
  'aria-label': string; 'aria-invalid'?: boolean; 'aria-describedby'?: string; onBlur: () => void; disabled: boolean; className: string;
}) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [found, setFound] = useState<{ query: string; records: LinkedRecord[]; error?: string } | null>(null);
  const query = useDebounced(value, 200);
  useEffect(() => {
    if (!open) return;
    const abort = new AbortController();
    searchLinked(target, label, query, SHOWN, abort.signal).then(
      (records) => { setFound({ query, records }); setActive(-1); },
      (err: Error) => { if (!abort.signal.aborted) setFound({ query, records: [], error: err.message }); },
    );
    return () => abort.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, query, target.ws, target.branch, target.table, label]);
  const records = open ? found?.records ?? [] : [];
  const optionId = (i: number) => `${listId}-option-${i}`;

  function keyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      event.stopPropagation();
      if (!open) { setOpen(true); return; }
      if (records.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i < 0 ? (step > 0 ? 0 : records.length - 1) : (i + step + records.length) % records.length)); // wraps at both ends
      return;
    }
    if (event.key === 'Enter' && open && active >= 0 && records[active]) {
      event.preventDefault();
      event.stopPropagation();
      onPick(records[active]!.id);
      return;
    }
    if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      setActive(-1);
      return;
    }
    onKeyDown(event);
  }

  const shown = open && found !== null;
  return (
    <div className="link-picker">
      <input {...input} ref={inputRef} type="text" role="combobox" autoComplete="off" value={value}
        placeholder={`id or search in ${target.table}`}
        aria-autocomplete="list" aria-expanded={shown && records.length > 0} aria-controls={listId}
        aria-activedescendant={shown && active >= 0 ? optionId(active) : undefined}
        onChange={(e) => { onText(e.target.value); setOpen(true); }} onKeyDown={keyDown} />
      <ul id={listId} role="listbox" aria-label={`Records of ${target.table}`} className="link-options" hidden={!shown || records.length === 0}>
        {records.map((r, i) => (
          <li key={r.id} id={optionId(i)} role="option" aria-selected={i === active} className={i === active ? 'active' : undefined}
            // Picking by pointer must not blur the input first (the blur would save the typed text).
            onMouseDown={(e) => e.preventDefault()} onClick={() => onPick(r.id)}>
            <span className="mono">{r.id}</span>{r.label !== undefined && <> <span className="link-label">{r.label}</span></>}
          </li>
        ))}
      </ul>
      {shown && (
        <p className="link-picker-status muted" role="status">
          {found.error ?? (records.length === 0 ? `No record of ${target.table} matches “${found.query.trim()}”.` : '')}
        </p>
      )}
    </div>
  );
}
