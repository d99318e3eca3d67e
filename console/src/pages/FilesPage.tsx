// Being built in this session (issue 8); replaced by the screen's real implementation.
export function FilesPage() {
  return <section className="page"><h1>FilesPage</h1></section>;
}
