import { useId, useState } from 'react';
import { ConfirmDialog } from '../components/Dialog';
import { filePath, removeFile, uploadFile, type TableRef } from './records-api';
import type { GridColumn, XataRecord } from './table-columns';
import { valueAt } from './table-columns';

/** A file as records carry it (the data API's FileResponse). */
interface FileValue { id?: string; name: string; mediaType: string; size: number; version?: number }

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A `file` or `file[]` cell: each file's name and size, a thumbnail for images (from the
 * binary endpoint, which the session cookie opens), upload (the file's own content type)
 * and removal after a confirmation naming the file and the record.
 */
export function FileCell({ table, record, column, onChanged }: { table: TableRef; record: XataRecord; column: GridColumn; onChanged: () => void }) {
  const raw = valueAt(record, column.path);
  const files: FileValue[] = column.type === 'file[]' ? ((raw as FileValue[] | null) ?? []) : raw ? [raw as FileValue] : [];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [removing, setRemoving] = useState<FileValue | null>(null);
  const inputId = useId();

  async function upload(file: File | undefined) {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      // A file[] upload adds an item under a new id; a file column's upload replaces its file.
      const fileId = column.type === 'file[]' ? `file_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}` : undefined;
      await uploadFile(table, record.id, column.path, file, fileId);
      onChanged();
    } catch (err) { setError(err as Error); } finally { setBusy(false); }
  }

  return (
    <div className="file-cell">
      {files.map((file) => {
        const src = `${filePath(table, record.id, column.path, file.id)}?v=${file.version ?? 0}`;
        return (
          <div className="file-item" key={file.id ?? file.name}>
            {file.mediaType?.startsWith('image/') && <img src={src} alt={`Preview of ${file.name}`} className="file-thumb" loading="lazy" />}
            <span className="file-name"><a href={src} target="_blank" rel="noopener">{file.name || '(unnamed)'}</a> <span className="muted">{formatSize(file.size)}</span></span>
            <button type="button" className="link" aria-label={`Remove ${file.name} from ${column.path} of ${record.id}`} onClick={() => setRemoving(file)} disabled={busy}>Remove</button>
          </div>
        );
      })}
      <label className="file-cell-upload" htmlFor={inputId}>
        <span aria-hidden="true">{busy ? 'Uploading…' : files.length && column.type === 'file' ? 'Replace' : 'Upload'}</span>
        <input id={inputId} type="file" className="sr-only" disabled={busy} aria-label={`Upload a file to ${column.path} of ${record.id}`}
          onChange={(e) => { void upload(e.target.files?.[0]); e.target.value = ''; }} />
      </label>
      {error && <p className="cell-error" role="alert">{error.message}</p>}
      {removing && (
        <ConfirmDialog title="Remove file" confirmLabel="Remove file" onClose={() => setRemoving(null)}
          message={<>Remove <strong>{removing.name}</strong> from <code>{column.path}</code> of record <code>{record.id}</code>? Its content is deleted.</>}
          onConfirm={async () => { await removeFile(table, record.id, column.path, removing.id); onChanged(); }} />
      )}
    </div>
  );
}
