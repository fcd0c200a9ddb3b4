import { Compass } from 'lucide-react';
import { Link } from 'react-router';
import { EmptyState } from '../components/EmptyState';
import { usePageTitle } from '../hooks/usePageTitle';

export function NotFoundPage() {
  usePageTitle('Not found');
  return (
    <div className="page">
      <section className="card">
        <EmptyState
          icon={<Compass size={22} />}
          title="There is no page here"
          action={
            <Link to="/org" className="button button--primary">
              Go to the org chart
            </Link>
          }
        >
          The address may be mistyped, or what it pointed to was removed.
        </EmptyState>
      </section>
    </div>
  );
}
