import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Spinner } from '../components/Loading';
import { LogoMark } from '../components/Logo';
import { ProblemAlert } from '../components/ProblemAlert';
import { LiveProvider } from '../live/LiveProvider';
import { SessionContext, useSessionQuery } from './session';

/** Shows its children to a signed-in member only; anyone else goes to the sign-in page. */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const session = useSessionQuery();

  if (session.isPending) {
    return (
      <div className="splash">
        <LogoMark className="brand__mark" />
        <Spinner label="Opening your company" />
      </div>
    );
  }
  if (session.isError) {
    return (
      <div className="splash">
        <div style={{ width: 'min(440px, 90vw)' }}>
          <ProblemAlert
            error={session.error}
            action={
              <button type="button" className="button" onClick={() => void session.refetch()}>
                Try again
              </button>
            }
          />
        </div>
      </div>
    );
  }
  if (!session.data) {
    const from = location.pathname + location.search;
    return <Navigate to="/login" replace state={{ from }} />;
  }
  return (
    <SessionContext.Provider value={session.data}>
      <LiveProvider key={session.data.company.id} companyId={session.data.company.id}>
        {children}
      </LiveProvider>
    </SessionContext.Provider>
  );
}
