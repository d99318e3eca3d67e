import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { RowSelectionState } from '@tanstack/react-table';
import { seg } from '../api/http';
import { useApi } from '../api/use-api';
import { ConfirmDialog } from '../components/Dialog';
import { EmptyState, ErrorNotice } from '../components/Notice';
import { AddRecordDialog } from '../records/AddRecordDialog';
import { FilterBuilder, type AppliedFilter } from '../records/FilterBuilder';
import { RecordGrid } from '../records/RecordGrid';
import { deleteRecords, getRecord, loadSchema, tablePath, type Sort } from '../records/records-api';
import { leafColumns } from '../records/table-columns';
import { useCellEdits } from '../records/use-cell-edits';
import { useDebounced } from '../records/use-debounced';
import { useLiveChanges, type ChangeEvent } from '../records/use-live-changes';
import { useRecordsPage } from '../records/use-records-page';
import { useDocumentTitle } from '../components/use-document-title';

const PAGE_SIZES = [10, 20, 50, 100];
const LIVE_LABEL = { off: 'Not live', connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', closed: 'Not live (reload to retry)' } as const;

/**
 * A table's records (`/w/:ws/b/:branch/t/:table`): paging, sort, a filter builder,
 * full-text search, inline edits with conflict detection, add and delete, files, and
 * live updates from the table's change stream.
 */
export function RecordsPage() {
  const params = useParams();
  const table = useMemo(() => ({ ws: params.ws!, branch: params.branch!, table: params.table! }), [params.ws, params.branch, params.table]);
  useDocumentTitle(`${table.table} in ${table.ws}`);
  const schema = useApi((signal) => loadSchema(table, signal), [table]);
  const columns = useMemo(() => leafColumns(schema.value?.columns ?? []), [schema.value]);

  const [size, setSize] = useState(20);
  const [sort, setSort] = useState<Sort>(null);
  const [filter, setFilter] = useState<AppliedFilter>({ conditions: [], combinator: '$all' });
  const [showFilters, setShowFilters] = useState(false);
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), 300);
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<string[] | null>(null);
  const [message, setMessage] = useState('');

  const page = useRecordsPage(table, { size, sort, filter: filter.filter, search });
  const edits = useCellEdits(table, page.replaceRecord);

  // Live changes: a delete or an update shows at once; every change also reloads the page
  // (debounced), which is what decides whether an insert belongs on it under the filter and sort.
  const refreshTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const live = useLiveChanges(schema.value ? `${tablePath(table)}/changes` : null, (change: ChangeEvent | null) => {
    if (change?.op === 'delete') page.removeRecords([change.id]);
    clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => void page.refresh(), 250);
  });

  // Only what the user can see is deleted: a selection does not outlive its page.
  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  const selectedIds = page.records.filter((r) => selection[r.id]).map((r) => r.id);
  const filtered = filter.conditions.length > 0 || search !== '';
  const base = `/w/${seg(table.ws)}/b/${seg(table.branch)}`;

  return (
    <section className="page records-page" aria-labelledby="records-title">
      <div className="page-header">
        <div>
          <p className="breadcrumb muted"><Link to={base}>{table.ws} · {table.branch}</Link> / table</p>
          <h1 id="records-title">{table.table}</h1>
        </div>
        <div className="toolbar">
          <span role="status" className={`live-indicator ${live}`} title="Changes made elsewhere appear here without reloading">
            <span aria-hidden="true" className="live-dot" />{LIVE_LABEL[live]}
          </span>
          <Link to={`${base}/t/${seg(table.table)}/schema`}>Schema</Link>
          <button type="button" className="primary" onClick={() => setAdding(true)} disabled={!schema.value}>Add record</button>
        </div>
      </div>

      <div className="toolbar">
        <label className="inline search-box">Search records
          <input type="search" value={searchText} onChange={(e) => setSearchText(e.target.value)} placeholder="Full-text, typo-tolerant" />
        </label>
        <button type="button" aria-expanded={showFilters} aria-controls="record-filters" onClick={() => setShowFilters((s) => !s)}>
          Filters{filter.conditions.length > 0 ? ` (${filter.conditions.length})` : ''}
        </button>
        {filtered && <button type="button" onClick={() => { setFilter({ conditions: [], combinator: filter.combinator }); setSearchText(''); }}>Clear filters and search</button>}
        {selectedIds.length > 0 && <button type="button" className="danger" onClick={() => setDeleting(selectedIds)}>Delete selected ({selectedIds.length})</button>}
      </div>
      {showFilters && schema.value && (
        <div id="record-filters">
          <FilterBuilder key={filter.conditions.length === 0 ? 'empty' : 'set'} columns={columns} applied={filter} onApply={setFilter} />
        </div>
      )}
      {search && <p className="muted">Showing the best matches for “{search}”, most relevant first.</p>}
      {message && <p className="notice info" role="status">{message}</p>}
      <ErrorNotice error={schema.error ?? page.error} />

      {schema.value && !page.loading && page.records.length === 0 && !page.error && (
        filtered
          ? <EmptyState title="No records match">
              <p>Change the filters or the search, or clear them.</p>
            </EmptyState>
          : <EmptyState title={page.hasPrevious ? 'No more records' : 'No records yet — add one'}>
              {!page.hasPrevious && <button type="button" className="primary" onClick={() => setAdding(true)}>Add record</button>}
            </EmptyState>
      )}
      {schema.value && page.records.length > 0 && (
        <RecordGrid table={table} columns={columns} records={page.records} sort={sort} sortable={search === ''} onSort={setSort}
          selection={selection} onSelection={setSelection} onDelete={setDeleting} edits={edits}
          onRefreshRecord={(id) => void getRecord(table, id).then(page.replaceRecord, () => page.refresh())} />
      )}
      {(schema.loading || page.loading) && <p className="muted" role="status">Loading…</p>}

      <nav className="pager toolbar" aria-label="Pages">
        <button type="button" onClick={page.previous} disabled={!page.hasPrevious}>Previous page</button>
        <span>Page {page.page}</span>
        <button type="button" onClick={page.next} disabled={!page.more}>Next page</button>
        <label className="inline">Rows per page
          <select value={size} onChange={(e) => setSize(Number(e.target.value))}>
            {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
      </nav>

      {adding && schema.value && (
        <AddRecordDialog table={table} columns={columns} onClose={() => setAdding(false)}
          onCreated={(record) => { setMessage(`Record ${record.id} added.`); void page.refresh(); }} />
      )}
      {deleting && (
        <ConfirmDialog title={deleting.length === 1 ? 'Delete record' : `Delete ${deleting.length} records`}
          confirmLabel={deleting.length === 1 ? 'Delete record' : `Delete ${deleting.length} records`} onClose={() => setDeleting(null)}
          message={<>Delete {deleting.length === 1 ? 'record' : 'records'} {deleting.map((id, i) => <span key={id}>{i > 0 && ', '}<code>{id}</code></span>)} from <strong>{table.table}</strong>? This cannot be undone.</>}
          onConfirm={async () => {
            await deleteRecords(table, deleting);
            page.removeRecords(deleting);
            setSelection({});
            setMessage(deleting.length === 1 ? `Record ${deleting[0]} deleted.` : `${deleting.length} records deleted.`);
            void page.refresh();
          }} />
      )}
    </section>
  );
}
