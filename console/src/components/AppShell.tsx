import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation, useMatch } from 'react-router';
import { useSession } from '../api/session';
import { seg } from '../api/http';

/**
 * The frame around every signed-in screen: the instance's links on the left (workspaces,
 * tokens, both APIs' interactive docs), the open workspace's screens under them, and the
 * account with sign-out at the bottom. A skip link lets keyboard users jump to the content.
 * Opening another screen from the sidebar (or from a link the old screen took away) puts
 * the focus at the top of the new content, as a page load would, not back in the sidebar.
 */
export function AppShell() {
  const { me, signOut } = useSession();
  const inWorkspace = useMatch('/w/:ws/*');
  const ws = inWorkspace?.params.ws;
  const branch = useMatch('/w/:ws/b/:branch/*')?.params.branch ?? 'main';
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(pathname); // not a first-render flag: StrictMode runs effects twice
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    const active = document.activeElement;
    // A control in the content that changed the screen (the branch picker) keeps its focus.
    if (main.current && (!active || active === document.body || !main.current.contains(active))) main.current.focus({ preventScroll: true });
  }, [pathname]);
  return (
    <div className="shell">
      <a className="skip-link" href="#content">Skip to content</a>
      <nav className="sidebar" aria-label="Main">
        <NavLink to="/" className="brand" end><span className="brand-mark" aria-hidden="true">▤</span> Strata</NavLink>
        <ul>
          <li><NavLink to="/" end>Workspaces</NavLink></li>
          <li><NavLink to="/tokens">Access tokens</NavLink></li>
        </ul>
        {ws && (
          <section aria-label={`Workspace ${ws}`} className="workspace-nav">
            <h2 title={ws}>{ws}</h2>
            <ul>
              <li><NavLink to={`/w/${seg(ws)}/b/${seg(branch)}`}>Tables</NavLink></li>
              <li><NavLink to={`/w/${seg(ws)}/files`}>Files</NavLink></li>
              <li><NavLink to={`/w/${seg(ws)}/members`}>Members</NavLink></li>
              <li><NavLink to={`/w/${seg(ws)}/history`}>Request history</NavLink></li>
            </ul>
          </section>
        )}
        <section aria-label="API documentation" className="docs-nav">
          <h2>API docs</h2>
          <ul>
            <li><a href="/api:data" target="_blank" rel="noopener">Data API (Xata)</a></li>
            <li><a href="/api:meta" target="_blank" rel="noopener">Metadata API (Xano)</a></li>
          </ul>
        </section>
        <div className="account">
          <span className="account-email" title={me?.email}>{me?.email}</span>
          {me?.extras.owner && <span className="badge">owner</span>}
          <button type="button" onClick={() => void signOut()}>Sign out</button>
        </div>
      </nav>
      <main id="content" className="content" tabIndex={-1} ref={main}>
        <Outlet />
      </main>
    </div>
  );
}
