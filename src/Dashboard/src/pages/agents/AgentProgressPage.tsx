import { useQuery } from '@tanstack/react-query';
import { ArrowLeft, Brain, CheckCircle2, Coins, TrendingDown, UserX, XCircle } from 'lucide-react';
import { useId, useState, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { isCeo, useSession } from '../../app/session';
import { LoadingBlock } from '../../components/Loading';
import { ItemNotFoundPage, ProblemPage } from '../../components/PageFallbacks';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../hooks/usePageTitle';
import { agentKeys, agentName, fetchAgent } from '../../services/agents';
import { formatUsd } from '../../services/costs';
import { ApiError } from '../../services/http';
import {
  fetchAgentProgress,
  memoryKeys,
  memoryKindLabels,
  trendLabel,
  type AgentProgress,
  type MemoryKind,
} from '../../services/memory';
import { MemoryTab } from './MemoryTab';
import { PlaybookTab } from './PlaybookTab';
import { ArtifactsCard, BudgetUse, ProgressChart, WorklogCard } from './ProgressParts';
import './agents.css';

const periods = [7, 30, 90];

type Tab = 'progress' | 'memory' | 'playbook';
const tabs: { id: Tab; label: string }[] = [
  { id: 'progress', label: 'Progress' },
  { id: 'memory', label: 'Memory' },
  { id: 'playbook', label: 'Playbook' },
];

/**
 * How one agent is doing: its tasks done and failed over time, success rate, cost per task and
 * its trend, budget use, worklog and artifacts; its memory (search, edit, pin, forget, each item
 * linked to where it came from); and the playbook changes waiting for the CEO.
 */
export function AgentProgressPage() {
  const { agentId: raw } = useParams();
  const agentId = Number(raw);
  const session = useSession();
  const canEdit = isCeo(session);
  const [params, setParams] = useSearchParams();
  const tab: Tab = tabs.some((t) => t.id === params.get('tab'))
    ? (params.get('tab') as Tab)
    : 'progress';
  const [days, setDays] = useState(30);
  const tabsId = useId();
  const agent = useQuery({
    queryKey: agentKeys.detail(agentId),
    queryFn: ({ signal }) => fetchAgent(agentId, signal),
    enabled: Number.isInteger(agentId) && agentId > 0,
  });
  const progress = useQuery({
    queryKey: memoryKeys.progress(agentId, days),
    queryFn: ({ signal }) => fetchAgentProgress(agentId, days, signal),
    enabled: agent.isSuccess,
  });
  usePageTitle(agent.data ? `${agentName(agent.data)} · progress` : 'Agent progress');

  if (
    !Number.isInteger(agentId) ||
    agentId <= 0 ||
    (agent.error instanceof ApiError && agent.error.status === 404)
  ) {
    return (
      <ItemNotFoundPage
        icon={<UserX size={22} />}
        title="No such agent"
        backTo="/org"
        backLabel="Back to the org chart"
      />
    );
  }
  if (agent.isError) return <ProblemPage error={agent.error} />;
  if (agent.isPending) return <LoadingBlock label="Loading the agent…" />;
  const a = agent.data;
  const pending = progress.data?.pendingPlaybookChanges ?? 0;
  const select = (next: Tab) =>
    setParams(next === 'progress' ? {} : { tab: next }, { replace: true });

  return (
    <div className="page">
      <Link to="/org" className="small parent-link">
        <ArrowLeft size={13} aria-hidden="true" /> Org chart
      </Link>
      <PageHeader
        title={agentName(a)}
        description={`${a.profile.role} · ${a.profile.department}. What the agent did, what it costs and what it remembers.`}
        actions={
          tab === 'progress' ? (
            <div className="segmented-inline" role="group" aria-label="Period">
              {periods.map((p) => (
                <button key={p} type="button" aria-pressed={days === p} onClick={() => setDays(p)}>
                  {p} days
                </button>
              ))}
            </div>
          ) : undefined
        }
      />
      <section className="card">
        <div className="tabs" role="tablist" aria-label="Agent records">
          {tabs.map((item) => (
            <button
              key={item.id}
              type="button"
              role="tab"
              id={`${tabsId}-${item.id}`}
              aria-selected={tab === item.id}
              aria-controls={`${tabsId}-panel`}
              tabIndex={tab === item.id ? 0 : -1}
              onClick={() => select(item.id)}
              onKeyDown={(event) => {
                const index = tabs.findIndex((x) => x.id === tab);
                const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
                if (step === 0) return;
                const next = tabs[(index + step + tabs.length) % tabs.length];
                if (next) {
                  select(next.id);
                  document.getElementById(`${tabsId}-${next.id}`)?.focus();
                }
              }}
            >
              {item.label}
              {item.id === 'playbook' && pending > 0 && (
                <span className="tab-count" aria-label={`${pending} waiting`}>
                  {pending}
                </span>
              )}
            </button>
          ))}
        </div>
        <div
          role="tabpanel"
          id={`${tabsId}-panel`}
          aria-labelledby={`${tabsId}-${tab}`}
          className="card__body"
        >
          {tab === 'progress' &&
            (progress.isError ? (
              <ProblemAlert error={progress.error} />
            ) : progress.isPending ? (
              <LoadingBlock label="Adding up the agent's work…" />
            ) : (
              <ProgressTab agentId={agentId} progress={progress.data} canEdit={canEdit} />
            ))}
          {tab === 'memory' && <MemoryTab agentId={agentId} canEdit={canEdit} />}
          {tab === 'playbook' && <PlaybookTab agentId={agentId} canEdit={canEdit} />}
        </div>
      </section>
    </div>
  );
}

function ProgressTab({
  agentId,
  progress,
  canEdit,
}: {
  agentId: number;
  progress: AgentProgress;
  canEdit: boolean;
}) {
  const finished = progress.tasksDone + progress.tasksFailed;
  const trend = trendLabel(progress.costPerTaskTrend);
  return (
    <div className="stack">
      <div className="stats" aria-label="Figures">
        <Stat
          icon={<CheckCircle2 size={15} />}
          label="Tasks done"
          value={String(progress.tasksDone)}
          sub={`${progress.tasksOpen} open`}
        />
        <Stat
          icon={<XCircle size={15} />}
          label="Tasks failed"
          value={String(progress.tasksFailed)}
        />
        <Stat
          icon={<CheckCircle2 size={15} />}
          label="Success rate"
          value={progress.successRate == null ? '–' : `${Math.round(progress.successRate * 100)}%`}
          sub={finished === 0 ? 'no task finished yet' : `of ${finished} finished`}
        />
        <Stat
          icon={<Coins size={15} />}
          label="Cost per task"
          value={progress.costPerTask == null ? '–' : formatUsd(progress.costPerTask, true)}
          sub={`${formatUsd(progress.cost)} in ${progress.days} days`}
        />
        <Stat
          icon={<TrendingDown size={15} />}
          label="Cost per task trend"
          value={trend ?? '–'}
          sub={trend ? 'second half of the period against the first' : 'needs tasks in both halves'}
        />
        <Stat
          icon={<Brain size={15} />}
          label="Memory"
          value={String(Object.values(progress.memory).reduce((sum, n) => sum + n, 0))}
          sub={
            Object.entries(progress.memory)
              .map(
                ([kind, n]) =>
                  `${n} ${memoryKindLabels[kind as MemoryKind]?.toLowerCase() ?? kind}`,
              )
              .join(' · ') || 'nothing yet'
          }
        />
      </div>
      <ProgressChart daily={progress.daily} days={progress.days} />
      <BudgetUse agentId={agentId} />
      <div className="agent-progress__columns">
        <WorklogCard agentId={agentId} entries={progress.worklog} canEdit={canEdit} />
        <ArtifactsCard agentId={agentId} />
      </div>
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
