import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useSession } from './api/session';
import { AppShell } from './components/AppShell';
import { LoginPage } from './pages/LoginPage';
import { SetupPage } from './pages/SetupPage';
import { WorkspacesPage } from './pages/WorkspacesPage';
import { TablesPage } from './pages/TablesPage';
import { RecordsPage } from './pages/RecordsPage';
import { SchemaPage } from './pages/SchemaPage';
import { FilesPage } from './pages/FilesPage';
import { MembersPage } from './pages/MembersPage';
import { HistoryPage } from './pages/HistoryPage';
import { TokensPage } from './pages/TokensPage';
import { NotFoundPage } from './pages/NotFoundPage';

/**
 * The console's screens. Paths are real URLs (the server answers each with the console's
 * page), so every screen can be bookmarked and reloaded. `:ws` is the workspace's name (the
 * data API's database), `:branch` a branch (the Metadata API's data source; `main` is `live`).
 */
export function App() {
  const { me } = useSession();
  const location = useLocation();
  if (me === undefined) return <p className="loading-page" role="status">Loading…</p>;
  if (me === null) {
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />} />
      </Routes>
    );
  }
  if (me.extras.setup_required) return <SetupPage />;
  return (
    <Routes>
      <Route path="/login" element={<Navigate to={new URLSearchParams(location.search).get('next') || '/'} replace />} />
      <Route element={<AppShell />}>
        <Route path="/" element={<WorkspacesPage />} />
        <Route path="/tokens" element={<TokensPage />} />
        <Route path="/w/:ws" element={<Navigate to="b/main" replace />} />
        <Route path="/w/:ws/b/:branch" element={<TablesPage />} />
        <Route path="/w/:ws/b/:branch/t/:table" element={<RecordsPage />} />
        <Route path="/w/:ws/b/:branch/t/:table/schema" element={<SchemaPage />} />
        <Route path="/w/:ws/files" element={<FilesPage />} />
        <Route path="/w/:ws/members" element={<MembersPage />} />
        <Route path="/w/:ws/history" element={<HistoryPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
