// Being built in this session (issue 8); replaced by the screen's real implementation.
export function HistoryPage() {
  return <section className="page"><h1>HistoryPage</h1></section>;
}
