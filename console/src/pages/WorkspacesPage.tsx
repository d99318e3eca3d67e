// Being built in this session (issue 8); replaced by the screen's real implementation.
export function WorkspacesPage() {
  return <section className="page"><h1>WorkspacesPage</h1></section>;
}
