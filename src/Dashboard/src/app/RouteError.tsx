import { isRouteErrorResponse, useRouteError } from 'react-router';
import { ProblemAlert } from '../components/ProblemAlert';

/** What a page that crashed shows instead of a blank screen. */
export function RouteError() {
  const error = useRouteError();
  const shown = isRouteErrorResponse(error)
    ? new Error(`${error.status} ${error.statusText}`)
    : error;
  return (
    <div className="splash">
      <div style={{ width: 'min(480px, 90vw)' }}>
        <ProblemAlert
          error={shown}
          action={
            <button type="button" className="button" onClick={() => window.location.reload()}>
              Reload the page
            </button>
          }
        />
      </div>
    </div>
  );
}
