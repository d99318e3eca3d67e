import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice } from './Notice';

/**
 * A modal form on the native <dialog> (focus trapped and Escape closes it, by the browser).
 * `onSubmit` may throw: its message stays in the dialog and nothing closes. On closing, the
 * focus goes back to what opened it (the browser cannot: React removes the element first).
 */
export function Dialog({ title, submitLabel, danger, onSubmit, onClose, children, busyLabel }: {
  title: string; submitLabel: string; danger?: boolean; busyLabel?: string;
  onSubmit: () => Promise<void> | void; onClose: () => void; children?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId(); // unique: a dialog may open over another
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
      onClose();
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  }
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <form onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        {children}
        <ErrorNotice error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>{busy ? (busyLabel ?? 'Working…') : submitLabel}</button>
        </div>
      </form>
    </dialog>
  );
}

/**
 * Confirms a destructive action by naming what will be lost; for the worst ones the user
 * types the name (`typeToConfirm`), as GitHub does for deleting a repository.
 */
export function ConfirmDialog({ title, message, confirmLabel, typeToConfirm, onConfirm, onClose }: {
  title: string; message: ReactNode; confirmLabel: string; typeToConfirm?: string;
  onConfirm: () => Promise<void> | void; onClose: () => void;
}) {
  const [typed, setTyped] = useState('');
  return (
    <Dialog title={title} submitLabel={confirmLabel} danger onClose={onClose} onSubmit={async () => {
      if (typeToConfirm !== undefined && typed !== typeToConfirm) throw new Error(`Type “${typeToConfirm}” to confirm.`);
      await onConfirm();
    }}>
      <div className="confirm-message">{message}</div>
      {typeToConfirm !== undefined && (
        <label>Type <strong>{typeToConfirm}</strong> to confirm<input autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} /></label>
      )}
    </Dialog>
  );
}
