import { Link } from 'react-router';
import { useDocumentTitle } from '../components/use-document-title';

export function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>There is nothing at this address. <Link to="/">Back to workspaces</Link></p>
    </section>
  );
}
