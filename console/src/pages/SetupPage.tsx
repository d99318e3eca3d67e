// Being built in this session (issue 8); replaced by the screen's real implementation.
export function SetupPage() {
  return <section className="page"><h1>SetupPage</h1></section>;
}
