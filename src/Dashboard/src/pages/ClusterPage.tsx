import { useMutation, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { Activity, Inbox, MailWarning, RotateCcw, Server, ShieldOff } from 'lucide-react';
import type { ReactNode } from 'react';
import { EmptyState } from '../components/EmptyState';
import { HealthCard } from '../components/HealthCard';
import { SkeletonRows } from '../components/Loading';
import { PageHeader } from '../components/PageHeader';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatRelative, RelativeTime } from '../components/RelativeTime';
import { useToast } from '../components/Toasts';
import { useNow } from '../hooks/useNow';
import { usePageTitle } from '../hooks/usePageTitle';
import {
  deadLetterQueryKey,
  fetchDeadLetters,
  fetchSilos,
  replayDeadLetter,
  siloHealth,
  siloQueryKey,
  type DeadLetter,
  type Silo,
  type SiloHealth,
} from '../services/cluster';
import { ApiError } from '../services/http';

/** Heartbeats are not events: the page asks again this often. */
const SILO_REFRESH_MS = 5000;
const DEAD_LETTER_REFRESH_MS = 15000;
/** The Api calls a silo silent after this long without a heartbeat. */
const SILENT_AFTER_MS = 30_000;

const healthBadge: Record<SiloHealth, { label: string; className: string }> = {
  alive: { label: 'Running', className: 'badge badge--ok' },
  draining: { label: 'Draining', className: 'badge badge--warn' },
  stopped: { label: 'Stopped', className: 'badge' },
  silent: { label: 'No heartbeat', className: 'badge badge--bad' },
};

function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

export function ClusterPage() {
  usePageTitle('Cluster');
  const silos = useQuery({
    queryKey: siloQueryKey,
    queryFn: ({ signal }) => fetchSilos(signal),
    refetchInterval: SILO_REFRESH_MS,
  });
  const deadLetters = useQuery({
    queryKey: deadLetterQueryKey,
    queryFn: ({ signal }) => fetchDeadLetters(signal),
    refetchInterval: DEAD_LETTER_REFRESH_MS,
  });

  if (isForbidden(silos.error)) {
    return (
      <div className="page">
        <PageHeader title="Cluster" />
        <section className="card">
          <EmptyState icon={<ShieldOff size={22} />} title="The cluster is for operators">
            Silos and dead letters span every company of this deployment, so only the CEOs and
            admins of the operator company see them.
          </EmptyState>
        </section>
      </div>
    );
  }

  const list = silos.data ?? [];
  const alive = list.filter((s) => siloHealth(s) === 'alive' || siloHealth(s) === 'draining');
  const sum = (pick: (s: Silo) => number) => alive.reduce((total, s) => total + pick(s), 0);

  return (
    <div className="page">
      <PageHeader
        title="Cluster"
        description="The silos that run the work of every company, their heartbeats and in-flight work, and the messages that kept failing."
      />
      <div className="stats">
        <Stat
          icon={<Server size={15} />}
          label="Silos running"
          value={silos.data ? `${alive.length}` : '–'}
          sub={silos.data ? `of ${list.length} registered` : undefined}
        />
        <Stat
          icon={<Activity size={15} />}
          label="Activities running"
          value={silos.data ? `${sum((s) => s.runningActivities)}` : '–'}
          sub="LLM and tool work in flight"
        />
        <Stat
          icon={<Inbox size={15} />}
          label="Inboxes leased"
          value={silos.data ? `${sum((s) => s.leasedInboxes)}` : '–'}
          sub="grains being served now"
        />
        <Stat
          icon={<MailWarning size={15} />}
          label="Dead letters"
          value={deadLetters.data ? `${deadLetters.data.length}` : '–'}
          sub="messages waiting for a replay"
        />
      </div>

      <section aria-labelledby="silos-title" className="stack">
        <h2 id="silos-title" className="section-title">
          Silos
        </h2>
        {silos.isPending && (
          <div className="card">
            <SkeletonRows rows={2} columns={4} />
          </div>
        )}
        {silos.isError && <ProblemAlert error={silos.error} />}
        {silos.data && silos.data.length === 0 && (
          <div className="card">
            <EmptyState icon={<Server size={22} />} title="No silo has registered">
              Start one with <code>scripts/run.sh</code> or the silo container: agents only work
              while a silo runs.
            </EmptyState>
          </div>
        )}
        {silos.data && silos.data.length > 0 && (
          <div className="silos">
            {[...silos.data]
              .sort((a, b) => Number(b.alive) - Number(a.alive) || a.name.localeCompare(b.name))
              .map((silo) => (
                <SiloCard key={silo.id} silo={silo} />
              ))}
          </div>
        )}
      </section>

      <DeadLetters query={deadLetters} />

      <HealthCard />
    </div>
  );
}

function Stat({
  icon,
  label,
  value,
  sub,
}: {
  icon: ReactNode;
  label: string;
  value: string;
  sub?: string;
}) {
  return (
    <div className="stat">
      <span className="stat__label">
        {icon}
        {label}
      </span>
      <span className="stat__value">{value}</span>
      {sub && <span className="stat__sub">{sub}</span>}
    </div>
  );
}

function SiloCard({ silo }: { silo: Silo }) {
  const now = useNow(1000);
  const health = siloHealth(silo);
  const badge = healthBadge[health];
  const age = Math.max(0, now.getTime() - new Date(silo.heartbeatAt).getTime());
  const ratio = Math.min(1, age / SILENT_AFTER_MS);
  const tone = ratio < 0.34 ? '' : ratio < 0.8 ? ' heartbeat__fill--warn' : ' heartbeat__fill--bad';
  return (
    <article className="card silo" aria-label={`Silo ${silo.name}`} data-silo={silo.name}>
      <div className="silo__head">
        <div>
          <div className="silo__name">{silo.name}</div>
          <div className="muted small mono">
            {silo.host} · pid {silo.pid}
          </div>
        </div>
        <span className={badge.className}>{badge.label}</span>
      </div>
      {health !== 'stopped' && (
        <div
          className="heartbeat"
          title={`Last heartbeat ${new Date(silo.heartbeatAt).toLocaleTimeString()}`}
        >
          <span className="nowrap">
            Heartbeat {formatRelative(new Date(silo.heartbeatAt), now)}
          </span>
          <span className="heartbeat__bar" aria-hidden="true">
            <span
              className={`heartbeat__fill${tone}`}
              style={{ width: `${Math.max(4, (1 - ratio) * 100)}%`, display: 'block' }}
            />
          </span>
        </div>
      )}
      <dl className="silo__meta">
        <div>
          <dt>Activities running</dt>
          <dd>{silo.runningActivities}</dd>
        </div>
        <div>
          <dt>Inboxes leased</dt>
          <dd>{silo.leasedInboxes}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{silo.role}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <RelativeTime value={silo.startedAt} intervalMs={30_000} />
          </dd>
        </div>
      </dl>
    </article>
  );
}

function DeadLetters({ query }: { query: UseQueryResult<DeadLetter[]> }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const replay = useMutation({
    mutationFn: (letter: DeadLetter) => replayDeadLetter(letter.id),
    onMutate: async (letter) => {
      await queryClient.cancelQueries({ queryKey: deadLetterQueryKey });
      const previous = queryClient.getQueryData<DeadLetter[]>(deadLetterQueryKey);
      queryClient.setQueryData<DeadLetter[]>(deadLetterQueryKey, (list) =>
        list?.filter((l) => l.id !== letter.id),
      );
      return { previous };
    },
    onError: (error, letter, context) => {
      if (context?.previous) queryClient.setQueryData(deadLetterQueryKey, context.previous);
      toast({
        tone: 'bad',
        title: `Dead letter ${letter.id} was not replayed`,
        detail: error instanceof Error ? error.message : String(error),
      });
    },
    onSuccess: (_, letter) =>
      toast({
        tone: 'ok',
        title: 'Queued again',
        detail: `${letter.messageType} goes back to ${letter.grainType} ${letter.grainKey}.`,
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: deadLetterQueryKey }),
  });

  return (
    <section className="card" aria-labelledby="dead-letters-title">
      <div className="card__header">
        <h2 id="dead-letters-title">Dead letters</h2>
        <span className="muted small">Newest first</span>
      </div>
      {query.isPending && <SkeletonRows rows={2} columns={5} />}
      {query.isError && (
        <div className="card__body">
          <ProblemAlert error={query.error} />
        </div>
      )}
      {query.data && query.data.length === 0 && (
        <EmptyState icon={<MailWarning size={22} />} title="No dead letters">
          Every message reached its grain. Messages that keep failing land here with their last
          error, for you to replay once the cause is fixed.
        </EmptyState>
      )}
      {query.data && query.data.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Message</th>
                <th scope="col">Last error</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Failed</th>
                <th scope="col" className="actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {query.data.map((letter) => (
                <tr key={letter.id}>
                  <td>
                    <div className="cell-title mono">{letter.messageType}</div>
                    <div className="cell-sub">
                      to {letter.grainType} <span className="mono">{letter.grainKey}</span>
                      {letter.sender && <> · from {letter.sender}</>}
                    </div>
                  </td>
                  <td>
                    <details className="error-details">
                      <summary className="error-text">{letter.error}</summary>
                    </details>
                  </td>
                  <td className="num">{letter.attempts}</td>
                  <td className="nowrap">
                    <RelativeTime value={letter.deadAt} intervalMs={30_000} />
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => replay.mutate(letter)}
                      aria-label={`Replay dead letter ${letter.id}`}
                    >
                      <RotateCcw size={14} />
                      Replay
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
