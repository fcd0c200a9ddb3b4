import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FileText, Link2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip as ChartTooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { TextAreaField } from '../../components/Field';
import { LoadingBlock } from '../../components/Loading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { fieldErrors } from '../../components/problem';
import { formatUsd, utcDay } from '../../services/costs';
import {
  addAgentNote,
  fetchAgentArtifacts,
  fetchAgentCapabilities,
  fetchAgentSpend,
  memoryKeys,
  type AgentProgressDay,
  type WorklogEntry,
} from '../../services/memory';
import { artifactUrl } from '../../services/tasks';
import { formatTokens } from '../tasks/parts';

const DONE = '#2f9e6e';
const FAILED = '#d64545';
const COST = '#6d5ef0';
const AXIS = '#8b92a1';

/** Every day of the period, the days without a finished task as zeros. */
export function everyDay(daily: AgentProgressDay[], days: number, today: Date): AgentProgressDay[] {
  const byDay = new Map(daily.map((d) => [d.day, d]));
  return Array.from({ length: days }, (_, i) => {
    const day = utcDay(new Date(today.getTime() - (days - 1 - i) * 86_400_000));
    return byDay.get(day) ?? { day, done: 0, failed: 0, cost: 0 };
  });
}

/** Tasks done and failed per day (bars) and what the day's finished tasks cost (line). */
export function ProgressChart({ daily, days }: { daily: AgentProgressDay[]; days: number }) {
  const rows = useMemo(() => everyDay(daily, days, new Date()), [daily, days]);
  const finished = rows.reduce((sum, r) => sum + r.done + r.failed, 0);
  return (
    <section className="card card--padded" aria-labelledby="progress-chart-title">
      <h2 id="progress-chart-title" className="section-title">
        Tasks finished and their cost, by day
      </h2>
      {finished === 0 ? (
        <p className="muted">No task finished in this period.</p>
      ) : (
        <div
          className="chart"
          role="img"
          aria-label={`Tasks done and failed and their cost over ${days} days`}
        >
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={rows} margin={{ top: 12, right: 12, bottom: 0, left: 6 }}>
              <CartesianGrid vertical={false} stroke={AXIS} strokeOpacity={0.18} />
              <XAxis
                dataKey="day"
                tick={{ fill: AXIS, fontSize: 12 }}
                tickLine={false}
                axisLine={false}
                minTickGap={24}
                tickFormatter={(d: string) => d.slice(5)}
              />
              <YAxis
                yAxisId="tasks"
                allowDecimals={false}
                tick={{ fill: AXIS, fontSize: 12 }}
                tickLine={false}
                axisLine={false}
                width={32}
              />
              <YAxis
                yAxisId="cost"
                orientation="right"
                tick={{ fill: AXIS, fontSize: 12 }}
                tickLine={false}
                axisLine={false}
                width={64}
                tickFormatter={(v: number) => formatUsd(v)}
              />
              <ChartTooltip
                cursor={{ fill: AXIS, fillOpacity: 0.08 }}
                formatter={(value, name) =>
                  name === 'Cost' ? formatUsd(Number(value), true) : String(value)
                }
              />
              <Legend iconSize={10} wrapperStyle={{ fontSize: 12 }} />
              <Bar yAxisId="tasks" dataKey="done" name="Done" stackId="t" fill={DONE} />
              <Bar
                yAxisId="tasks"
                dataKey="failed"
                name="Failed"
                stackId="t"
                fill={FAILED}
                radius={[4, 4, 0, 0]}
              />
              <Line
                yAxisId="cost"
                type="monotone"
                dataKey="cost"
                name="Cost"
                stroke={COST}
                strokeWidth={2}
                dot={false}
              />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
    </section>
  );
}

function Meter({
  label,
  used,
  limit,
  format,
}: {
  label: string;
  used: number;
  limit: number | null | undefined;
  format: (n: number) => string;
}) {
  const ratio = limit ? Math.min(1, used / limit) : 0;
  return (
    <div className="budget-meter">
      <div className="budget-meter__head">
        <span>{label}</span>
        <span className="small">
          <strong>{format(used)}</strong>{' '}
          {limit ? `of ${format(limit)} (${Math.round((used / limit) * 100)}%)` : '· no limit'}
        </span>
      </div>
      {limit ? (
        <div
          className="budget__bar"
          role="meter"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={limit}
          aria-valuenow={used}
        >
          <span
            className={
              ratio >= 1
                ? 'budget__fill budget__fill--bad'
                : ratio > 0.8
                  ? 'budget__fill budget__fill--warn'
                  : 'budget__fill'
            }
            style={{ width: `${ratio * 100}%` }}
          />
        </div>
      ) : null}
    </div>
  );
}

/** The agent's limits (tokens a day and a month, highest total cost) against what it used. */
export function BudgetUse({ agentId }: { agentId: number }) {
  const monthStart = `${utcDay(new Date()).slice(0, 8)}01`;
  const capabilities = useQuery({
    queryKey: memoryKeys.capabilities(agentId),
    queryFn: ({ signal }) => fetchAgentCapabilities(agentId, signal),
  });
  const month = useQuery({
    queryKey: memoryKeys.spend(agentId, monthStart),
    queryFn: ({ signal }) => fetchAgentSpend(agentId, monthStart, signal),
  });
  const ever = useQuery({
    queryKey: memoryKeys.spend(agentId, null),
    queryFn: ({ signal }) => fetchAgentSpend(agentId, null, signal),
  });
  const error = capabilities.error ?? month.error ?? ever.error;
  const tokens = (row: { inputTokens: number; outputTokens: number }) =>
    row.inputTokens + row.outputTokens;
  return (
    <section className="card card--padded" aria-labelledby="budget-use-title">
      <h2 id="budget-use-title" className="section-title">
        Budget use
      </h2>
      {error ? (
        <ProblemAlert error={error} />
      ) : !capabilities.data || !month.data || !ever.data ? (
        <span className="skeleton" style={{ height: 60 }} />
      ) : (
        <div className="budget-meters">
          <Meter
            label="Tokens today"
            used={capabilities.data.load.tokensToday}
            limit={capabilities.data.limits.tokensPerDay}
            format={formatTokens}
          />
          <Meter
            label="Tokens this month"
            used={tokens(month.data.own)}
            limit={capabilities.data.limits.tokensPerMonth}
            format={formatTokens}
          />
          <Meter
            label="Total cost"
            used={ever.data.own.cost}
            limit={capabilities.data.limits.maxCost}
            format={(n) => formatUsd(n)}
          />
        </div>
      )}
    </section>
  );
}

/** The agent's notes across its tasks, newest first; some belong to no task, as the CEO's notes. */
export function WorklogCard({
  agentId,
  entries,
  canEdit,
}: {
  agentId: number;
  entries: WorklogEntry[];
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const add = useMutation({
    mutationFn: () => addAgentNote(agentId, note),
    onSuccess: () => setNote(''),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['agents', 'detail', agentId] }),
  });
  const reason = canEdit ? undefined : 'Only the CEO adds notes to an agent’s worklog.';
  return (
    <section className="card card--padded" aria-labelledby="agent-worklog-title">
      <h2 id="agent-worklog-title" className="section-title">
        Worklog
      </h2>
      <form
        className="stack"
        style={{ gap: 8 }}
        aria-label="Add a note"
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate();
        }}
      >
        <TextAreaField
          label="A note outside any task"
          value={note}
          onChange={setNote}
          disabled={reason !== undefined}
          title={reason}
          errors={fieldErrors(add.error, 'body')}
        />
        <div>
          <button
            type="submit"
            className="button button--primary button--small"
            disabled={reason !== undefined || add.isPending}
            title={reason}
          >
            Add note
          </button>
        </div>
      </form>
      {entries.length === 0 ? (
        <p className="muted">No notes yet. The agent writes here as it works.</p>
      ) : (
        <ol className="notes" aria-label="Worklog entries">
          {entries.map((entry) => (
            <li key={entry.id} className="note">
              <div className="note__head">
                {entry.taskId != null ? (
                  <Link to={`/tasks/${entry.taskId}`}>
                    {entry.taskTitle ?? `Task #${entry.taskId}`}
                  </Link>
                ) : (
                  <span className="muted">No task</span>
                )}
                <span className="muted small">
                  <RelativeTime value={entry.at} intervalMs={30_000} />
                </span>
              </div>
              <p className="prose">{entry.body}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** What the agent produced: files, specs, links and posts, each with its task. */
export function ArtifactsCard({ agentId }: { agentId: number }) {
  const artifacts = useQuery({
    queryKey: memoryKeys.artifacts(agentId),
    queryFn: ({ signal }) => fetchAgentArtifacts(agentId, signal),
  });
  const produced = artifacts.data?.filter((a) => a.kind !== 'avatar') ?? [];
  return (
    <section className="card card--padded" aria-labelledby="agent-artifacts-title">
      <h2 id="agent-artifacts-title" className="section-title">
        Artifacts
      </h2>
      {artifacts.isPending && <LoadingBlock label="Loading the artifacts…" />}
      {artifacts.isError && <ProblemAlert error={artifacts.error} />}
      {artifacts.data && produced.length === 0 && (
        <p className="muted">Nothing produced yet: files, specs and links appear here.</p>
      )}
      {produced.length > 0 && (
        <ul className="mini-list" aria-label="Artifacts">
          {[...produced].reverse().map((artifact) => (
            <li key={artifact.id}>
              {artifact.kind === 'link' && artifact.url ? (
                <a href={artifact.url} target="_blank" rel="noreferrer">
                  <Link2 size={14} aria-hidden="true" /> {artifact.name}
                </a>
              ) : artifact.taskId != null ? (
                <a
                  href={artifactUrl(artifact.taskId, artifact.id)}
                  target="_blank"
                  rel="noreferrer"
                >
                  <FileText size={14} aria-hidden="true" /> {artifact.name}
                </a>
              ) : (
                <span>
                  <FileText size={14} aria-hidden="true" /> {artifact.name}
                </span>
              )}
              <span className="muted small">
                {artifact.kind}
                {artifact.taskId != null && (
                  <>
                    {' · '}
                    <Link to={`/tasks/${artifact.taskId}`}>task #{artifact.taskId}</Link>
                  </>
                )}
                {' · '}
                <RelativeTime value={artifact.createdAt} intervalMs={60_000} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
