// Being built in this session (issue 8); replaced by the screen's real implementation.
export function TablesPage() {
  return <section className="page"><h1>TablesPage</h1></section>;
}
