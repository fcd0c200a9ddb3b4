import { XCircle } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { fetchReadiness, type HealthReport, type HealthStatus } from '../services/health';
import { ApiError } from '../services/http';

type HealthState =
  | { kind: 'loading' }
  | { kind: 'loaded'; report: HealthReport; checkedAt: Date }
  | { kind: 'failed'; title: string; detail?: string; status?: number };

const statusTone: Record<HealthStatus, string> = {
  Healthy: 'ok',
  Degraded: 'warn',
  Unhealthy: 'bad',
};

function describeFailure(error: unknown): Extract<HealthState, { kind: 'failed' }> {
  if (error instanceof ApiError) {
    return {
      kind: 'failed',
      title: error.status === 0 ? 'Could not reach the Api' : error.title,
      detail: error.detail,
      status: error.status === 0 ? undefined : error.status,
    };
  }
  return { kind: 'failed', title: 'Something went wrong', detail: String(error) };
}

function StatusBadge({ status }: { status: HealthStatus }) {
  return <span className={`badge badge--${statusTone[status]}`}>{status}</span>;
}

export function HealthCard() {
  const headingId = useId();
  const [state, setState] = useState<HealthState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    fetchReadiness(controller.signal).then(
      (report) => setState({ kind: 'loaded', report, checkedAt: new Date() }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState(describeFailure(error));
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const loading = state.kind === 'loading';

  function refresh() {
    if (loading) return;
    setState({ kind: 'loading' });
    setAttempt((n) => n + 1);
  }

  return (
    <section className="card" aria-labelledby={headingId} aria-busy={loading}>
      <header className="card__header">
        <h2 id={headingId}>Service health</h2>
        <button
          type="button"
          className="button button--small"
          onClick={refresh}
          aria-disabled={loading}
        >
          {loading ? 'Checking…' : 'Refresh'}
        </button>
      </header>

      <div role="status" aria-live="polite" className="card__body">
        {state.kind === 'loading' && <p className="muted">Checking service health…</p>}

        {state.kind === 'failed' && (
          <div className="alert">
            <XCircle size={18} aria-hidden="true" />
            <div className="alert__body">
              <p className="alert__title">
                {state.title}
                {state.status !== undefined && (
                  <span className="muted"> (HTTP {state.status})</span>
                )}
              </p>
              {state.detail && <p className="alert__detail">{state.detail}</p>}
            </div>
          </div>
        )}

        {state.kind === 'loaded' && (
          <>
            <p className="overall">
              Overall: <StatusBadge status={state.report.status} />
            </p>
            {state.report.checks.length > 0 ? (
              <ul className="checks">
                {state.report.checks.map((check) => (
                  <li key={check.name} className="check">
                    <span className="check__name">{check.name}</span>
                    <StatusBadge status={check.status} />
                    {check.description && (
                      <span className="check__description">{check.description}</span>
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No individual checks were reported.</p>
            )}
            <p className="muted small">
              Last checked{' '}
              <time dateTime={state.checkedAt.toISOString()}>
                {state.checkedAt.toLocaleTimeString()}
              </time>
            </p>
          </>
        )}
      </div>
    </section>
  );
}
