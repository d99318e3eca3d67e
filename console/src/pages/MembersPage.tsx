// Being built in this session (issue 8); replaced by the screen's real implementation.
export function MembersPage() {
  return <section className="page"><h1>MembersPage</h1></section>;
}
