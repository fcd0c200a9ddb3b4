import { useMutation, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import {
  Activity,
  Boxes,
  ExternalLink,
  Inbox,
  MailWarning,
  RotateCcw,
  Server,
  ShieldOff,
} from 'lucide-react';
import type { ReactNode } from 'react';
import { EmptyState } from '../components/EmptyState';
import { HealthCard } from '../components/HealthCard';
import { SkeletonRows } from '../components/Loading';
import { PageHeader } from '../components/PageHeader';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatDateTime, formatRelative, RelativeTime } from '../components/RelativeTime';
import { useToast } from '../components/Toasts';
import { useNow } from '../hooks/useNow';
import { usePageTitle } from '../hooks/usePageTitle';
import {
  deadLetterQueryKey,
  fetchDeadLetters,
  fetchSilos,
  isDead,
  orleansDashboardPath,
  replayDeadLetter,
  siloKey,
  siloQueryKey,
  type DeadLetter,
  type Silo,
  type SiloStatus,
} from '../services/cluster';
import { ApiError } from '../services/http';

/** Membership is not evented: the page asks again this often. */
const SILO_REFRESH_MS = 5000;
const DEAD_LETTER_REFRESH_MS = 15000;
/** Two of Orleans' I-am-alive periods (30 s by default): the bar is empty when a silo missed both. */
const ALIVE_SCALE_MS = 60_000;

const statusBadge: Record<SiloStatus, { label: string; className: string }> = {
  active: { label: 'Active', className: 'badge badge--ok' },
  joining: { label: 'Joining', className: 'badge badge--info' },
  created: { label: 'Created', className: 'badge badge--info' },
  shutting_down: { label: 'Shutting down', className: 'badge badge--warn' },
  stopping: { label: 'Stopping', className: 'badge badge--warn' },
  dead: { label: 'Dead', className: 'badge badge--bad' },
  none: { label: 'Unknown', className: 'badge' },
};

function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

function OrleansDashboardLink() {
  return (
    <a className="button button--ghost" href={orleansDashboardPath} target="_blank" rel="noopener">
      <ExternalLink size={16} aria-hidden="true" /> Orleans Dashboard
    </a>
  );
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
  const living = list.filter((s) => !isDead(s));
  const dead = list.filter(isDead);
  const active = list.filter((s) => s.status === 'active');
  const sum = (pick: (s: Silo) => number | null) =>
    living.reduce((total, s) => total + (pick(s) ?? 0), 0);

  return (
    <div className="page">
      <PageHeader
        title="Cluster"
        description="The Orleans silos that run the work of every company, their membership status and load, and the messages that kept failing."
        actions={<OrleansDashboardLink />}
      />
      <div className="stats">
        <Stat
          icon={<Server size={15} />}
          label="Silos active"
          value={silos.data ? `${active.length}` : '–'}
          sub={silos.data ? `of ${list.length} in the membership` : undefined}
        />
        <Stat
          icon={<Boxes size={15} />}
          label="Activations"
          value={silos.data ? `${sum((s) => s.activationCount)}` : '–'}
          sub="grains in memory, system targets included"
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
        {silos.data && living.length === 0 && (
          <div className="card">
            <EmptyState icon={<Server size={22} />} title="No silo is in the cluster">
              Start one with <code>scripts/run.sh</code> or the silo container: agents only work
              while a silo runs.
            </EmptyState>
          </div>
        )}
        {living.length > 0 && (
          <div className="silos">
            {living.map((silo) => (
              <SiloCard key={siloKey(silo)} silo={silo} />
            ))}
          </div>
        )}
        {dead.length > 0 && (
          <details className="stack dead-silos">
            <summary className="muted small">
              {dead.length === 1 ? '1 dead silo' : `${dead.length} dead silos`} (Orleans keeps them
              in the membership for a week)
            </summary>
            <div className="silos">
              {dead.map((silo) => (
                <SiloCard key={siloKey(silo)} silo={silo} />
              ))}
            </div>
          </details>
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

/** A count the Api could not give (the silo is not active, or runs no pumps) shows as a dash. */
function count(value: number | null): string {
  return value === null ? '–' : `${value}`;
}

function SiloCard({ silo }: { silo: Silo }) {
  const now = useNow(1000);
  const badge = statusBadge[silo.status];
  const aliveAt = new Date(silo.lastAliveAt);
  const age = Math.max(0, now.getTime() - aliveAt.getTime());
  const ratio = Math.min(1, age / ALIVE_SCALE_MS);
  const tone = ratio < 0.6 ? '' : ratio < 0.9 ? ' heartbeat__fill--warn' : ' heartbeat__fill--bad';
  return (
    <article
      className="card silo"
      aria-label={`Silo ${silo.name}`}
      data-silo={silo.name}
      data-status={silo.status}
    >
      <div className="silo__head">
        <div>
          <div className="silo__name">{silo.name}</div>
          <div className="muted small mono">
            {silo.address} · {silo.hostName}
          </div>
        </div>
        <span className={badge.className}>{badge.label}</span>
      </div>
      {isDead(silo) ? (
        <div className="heartbeat">Last alive {formatDateTime(aliveAt)}</div>
      ) : (
        <div className="heartbeat" title={`Last alive ${aliveAt.toLocaleTimeString()}`}>
          <span className="nowrap">Alive {formatRelative(aliveAt, now)}</span>
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
          <dt>Activations</dt>
          <dd>{count(silo.activationCount)}</dd>
        </div>
        <div>
          <dt>Activities running</dt>
          <dd>{count(silo.runningActivities)}</dd>
        </div>
        <div>
          <dt>Inboxes leased</dt>
          <dd>{count(silo.leasedInboxes)}</dd>
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
