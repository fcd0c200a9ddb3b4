import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { EmptyState } from './EmptyState';
import { ProblemAlert } from './ProblemAlert';

/** The page of an address that names nothing here (or nothing in this company), with the way back. */
export function ItemNotFoundPage({
  icon,
  title,
  backTo,
  backLabel,
}: {
  icon: ReactNode;
  title: string;
  backTo: string;
  backLabel: string;
}) {
  return (
    <div className="page">
      <section className="card">
        <EmptyState
          icon={icon}
          title={title}
          action={
            <Link to={backTo} className="button">
              {backLabel}
            </Link>
          }
        >
          It may have been in another company, or the address is mistyped.
        </EmptyState>
      </section>
    </div>
  );
}

/** A page whose own data failed to load: only the problem, in words. */
export function ProblemPage({ error }: { error: unknown }) {
  return (
    <div className="page">
      <ProblemAlert error={error} />
    </div>
  );
}
