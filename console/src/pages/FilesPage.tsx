import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { meta } from '../api/http';
import { useApi } from '../api/use-api';
import { useWorkspace } from '../api/use-workspace';
import { formatTime } from '../api/xano-time';
import { ConfirmDialog } from '../components/Dialog';
import { FileUploadForm } from '../components/FileUploadForm';
import { EmptyState, ErrorNotice } from '../components/Notice';
import { useDocumentTitle } from '../components/use-document-title';

interface LibraryFile {
  id: number; created_at: string; name: string; size: number; type: string; mime: string; access: 'public' | 'private'; path: string;
  /** Where to download it, when the server gives one (public files, or signed). */
  url?: string;
}
interface Page<T> { curPage: number; nextPage: number | null; prevPage: number | null; items: T[] }
const PER_PAGE = 25;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let n = bytes / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

/** A workspace's file library: upload, search, filter, sort, page, preview and delete. */
export function FilesPage() {
  const ws = useParams().ws!;
  useDocumentTitle(`Files of ${ws}`);
  const workspace = useWorkspace(ws);
  const id = workspace.workspace?.id;
  const [search, setSearch] = useState('');
  const [typed, setTyped] = useState('');
  const [access, setAccess] = useState('');
  const [sort, setSort] = useState('created_at:desc');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [deleting, setDeleting] = useState<LibraryFile[] | null>(null);
  const [status, setStatus] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => { setSearch(typed.trim()); setPage(1); }, 300);
    return () => clearTimeout(timer);
  }, [typed]);
  const files = useApi(async (signal) => {
    if (id === undefined) return undefined;
    const [by, order] = sort.split(':');
    const q = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE), sort: by!, order: order! });
    if (search) q.set('search', search);
    if (access) q.set('access', access);
    return meta<Page<LibraryFile>>('GET', `/workspace/${id}/file?${q}`, undefined, { signal });
  }, [id, search, access, sort, page]);
  useEffect(() => setSelected(new Set()), [files.value]);
  const items = files.value?.items ?? [];
  const toggle = (fileId: number) => setSelected((s) => { const n = new Set(s); if (n.has(fileId)) n.delete(fileId); else n.add(fileId); return n; });
  const filtered = search !== '' || access !== '';

  return (
    <section className="page" aria-labelledby="files-title">
      <div className="page-header"><h1 id="files-title">Files <span className="muted">of {ws}</span></h1></div>
      <ErrorNotice error={workspace.error ?? files.error} />
      {id !== undefined && <FileUploadForm workspaceId={id} onUploaded={(name) => { setStatus(`Uploaded ${name}.`); setPage(1); void files.reload(); }} />}
      <p role="status" className="muted">{status}</p>
      <form className="toolbar" role="search" aria-label="Filter files" onSubmit={(e) => e.preventDefault()}>
        <label>Search<input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="Part of the name" /></label>
        <label>Access
          <select value={access} onChange={(e) => { setAccess(e.target.value); setPage(1); }}>
            <option value="">Any</option><option value="public">public</option><option value="private">private</option>
          </select>
        </label>
        <label>Sort
          <select value={sort} onChange={(e) => { setSort(e.target.value); setPage(1); }}>
            <option value="created_at:desc">Newest first</option><option value="created_at:asc">Oldest first</option>
            <option value="name:asc">Name A–Z</option><option value="name:desc">Name Z–A</option>
            <option value="size:desc">Largest first</option><option value="size:asc">Smallest first</option>
            <option value="mime:asc">MIME type</option>
          </select>
        </label>
        {selected.size > 0 && (
          <button type="button" className="danger" onClick={() => setDeleting(items.filter((f) => selected.has(f.id)))}>Delete {selected.size} selected</button>
        )}
      </form>
      {files.value && items.length === 0 && (
        <EmptyState title={filtered ? 'No files match' : page > 1 ? 'No more files' : 'No files yet'}>{filtered ? 'Try another search or access filter.' : 'Upload images, videos, audio or attachments above.'}</EmptyState>
      )}
      {items.length > 0 && (
        <table aria-label="Files" className="files-table">
          <thead>
            <tr>
              <th scope="col"><input type="checkbox" aria-label="Select all files on this page" checked={selected.size === items.length} onChange={(e) => setSelected(e.target.checked ? new Set(items.map((f) => f.id)) : new Set())} /></th>
              <th scope="col">Preview</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Size</th><th scope="col">Access</th><th scope="col">Uploaded</th><th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {items.map((f) => (
              <tr key={f.id}>
                <td><input type="checkbox" aria-label={`Select ${f.name}`} checked={selected.has(f.id)} onChange={() => toggle(f.id)} /></td>
                <td className="file-preview">
                  {f.type === 'image' && f.url ? <img src={f.url} alt={`Preview of ${f.name}`} loading="lazy" /> : <span className="file-icon" aria-hidden="true">{(f.mime.split('/')[1] ?? f.type).slice(0, 4).toUpperCase()}</span>}
                </td>
                <td>{f.url ? <a href={f.url} target="_blank" rel="noopener">{f.name}</a> : f.name}<div className="muted mono">{f.path}</div></td>
                <td>{f.type}<div className="muted">{f.mime}</div></td>
                <td>{formatSize(f.size)}</td>
                <td><span className="badge">{f.access}</span></td>
                <td>{formatTime(f.created_at)}</td>
                <td><button type="button" className="link" aria-label={`Delete ${f.name}`} onClick={() => setDeleting([f])}>Delete</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(files.value?.prevPage || files.value?.nextPage) && (
        <nav className="toolbar pager" aria-label="Pages">
          <button type="button" disabled={!files.value?.prevPage} onClick={() => setPage(page - 1)}>Previous</button>
          <span>Page {page}</span>
          <button type="button" disabled={!files.value?.nextPage} onClick={() => setPage(page + 1)}>Next</button>
        </nav>
      )}
      {deleting && (
        <ConfirmDialog
          title={deleting.length === 1 ? 'Delete file?' : `Delete ${deleting.length} files?`} confirmLabel="Delete" onClose={() => setDeleting(null)}
          message={<><p>These files are deleted for good; links to them stop working:</p><ul>{deleting.map((f) => <li key={f.id}>{f.name}</li>)}</ul></>}
          onConfirm={async () => {
            if (deleting.length === 1) await meta('DELETE', `/workspace/${id}/file/${deleting[0]!.id}`);
            else await meta('DELETE', `/workspace/${id}/file/bulk_delete`, { ids: deleting.map((f) => f.id) });
            setStatus(`Deleted ${deleting.length === 1 ? deleting[0]!.name : `${deleting.length} files`}.`);
            await files.reload();
          }}
        />
      )}
    </section>
  );
}
