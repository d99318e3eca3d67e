// Being built in this session (issue 8); replaced by the screen's real implementation.
export function SchemaPage() {
  return <section className="page"><h1>SchemaPage</h1></section>;
}
