import { useRef, useState, type FormEvent } from 'react';
import { ApiError, csrfToken } from '../api/http';
import { ErrorNotice } from './Notice';

const TYPES = ['image', 'video', 'audio', 'attachment'] as const;

/** The library type a file most likely is, from its MIME type. */
const guessType = (mime: string) => (TYPES.find((t) => t !== 'attachment' && mime.startsWith(`${t}/`)) ?? 'attachment');

/**
 * Sends one multipart upload with XMLHttpRequest (fetch reports no upload progress), with the
 * session cookie and the CSRF header as http.ts does, and the API's error message on failure.
 */
function upload(url: string, form: FormData, onProgress: (fraction: number) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('accept', 'application/json');
    const csrf = csrfToken();
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'Strata did not answer: check that the server is running and reachable.'));
    xhr.onload = () => {
      let body: { message?: string; code?: string; payload?: unknown } | undefined;
      try { body = JSON.parse(xhr.responseText); } catch { body = undefined; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body?.message || `${xhr.status} ${xhr.statusText}`, body?.code, body?.payload));
    };
    xhr.send(form);
  });
}

/** Picks a file, its library type (guessed) and access, and uploads it with a progress bar. */
export function FileUploadForm({ workspaceId, onUploaded }: { workspaceId: number; onUploaded: (name: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [type, setType] = useState<string>('attachment');
  const [access, setAccess] = useState('private');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<Error | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    const form = new FormData();
    form.append('content', file);
    form.append('type', type);
    form.append('access', access);
    setError(null);
    setProgress(0);
    try {
      await upload(`/api:meta/workspace/${workspaceId}/file`, form, setProgress);
      onUploaded(file.name);
      setFile(null);
      if (input.current) input.current.value = '';
    } catch (err) {
      setError(err as Error);
    } finally {
      setProgress(null);
    }
  }
  return (
    <form className="card file-upload" onSubmit={submit} aria-label="Upload a file">
      <div className="toolbar">
        <label>File<input ref={input} type="file" required onChange={(e) => {
          const picked = e.target.files?.[0] ?? null;
          setFile(picked);
          if (picked) setType(guessType(picked.type));
        }} /></label>
        <label>Type
          <select value={type} onChange={(e) => setType(e.target.value)}>{TYPES.map((t) => <option key={t} value={t}>{t}</option>)}</select>
        </label>
        <label>Access
          <select value={access} onChange={(e) => setAccess(e.target.value)}>
            <option value="private">private</option><option value="public">public</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={!file || progress !== null}>{progress !== null ? 'Uploading…' : 'Upload'}</button>
        {progress !== null && <progress max={1} value={progress} aria-label="Upload progress">{Math.round(progress * 100)}%</progress>}
      </div>
      <ErrorNotice error={error} />
    </form>
  );
}
