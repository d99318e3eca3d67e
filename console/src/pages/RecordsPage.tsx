// Being built in this session (issue 8); replaced by the screen's real implementation.
export function RecordsPage() {
  return <section className="page"><h1>RecordsPage</h1></section>;
}
