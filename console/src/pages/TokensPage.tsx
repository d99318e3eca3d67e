// Being built in this session (issue 8); replaced by the screen's real implementation.
export function TokensPage() {
  return <section className="page"><h1>TokensPage</h1></section>;
}
