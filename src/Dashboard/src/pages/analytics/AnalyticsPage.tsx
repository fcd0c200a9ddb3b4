import { useQuery } from '@tanstack/react-query';
import { Activity } from 'lucide-react';
import { useMemo, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip as ChartTooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { EmptyState } from '../../components/EmptyState';
import { LoadingBlock } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../hooks/usePageTitle';
import {
  analyticsGroupLabels,
  analyticsKeys,
  fetchAnalytics,
  formatRate,
  type AnalyticsGroupBy,
  type AnalyticsRow,
} from '../../services/analytics';
import { utcDay } from '../../services/costs';
import { formatDuration } from '../tasks/parts';

const periods = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
];

const ACCENT = '#6d5ef0';
const SECOND = '#0f9f8f';
const BAD = '#d9480f';
const AXIS = '#8b92a1';

function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value < 1000 ? `${Math.round(value)} ms` : formatDuration(value);
}

/** How the work went: failures, time to done, retries, approval waits and model latency, per group. */
export function AnalyticsPage() {
  usePageTitle('Analytics');
  const [days, setDays] = useState(30);
  const [groupBy, setGroupBy] = useState<AnalyticsGroupBy>('agent');
  const { from, to } = useMemo(() => {
    const today = new Date();
    return {
      from: utcDay(new Date(today.getTime() - (days - 1) * 86_400_000)),
      to: utcDay(today),
    };
  }, [days]);
  const report = useQuery({
    queryKey: analyticsKeys.report(groupBy, from, to),
    queryFn: ({ signal }) => fetchAnalytics(groupBy, from, to, signal),
  });
  const rows = report.data?.rows ?? [];
  const seconds = (v: number | null | undefined) => (v ? Math.round(v / 100) / 10 : 0);
  const chartRows = rows.slice(0, 15).map((r) => ({
    label: r.label,
    failure: r.failureRate === null || r.failureRate === undefined ? 0 : r.failureRate * 100,
    p50: seconds(r.timeToDoneP50Ms),
    p95: seconds(r.timeToDoneP95Ms),
  }));

  return (
    <div className="page">
      <PageHeader
        title="Analytics"
        description="How the work goes: tasks that failed, how long they took to be done, retries, how long approvals waited and how fast the models answered."
        actions={
          <div className="segmented-inline" role="group" aria-label="Period">
            {periods.map((p) => (
              <button
                key={p.days}
                type="button"
                aria-pressed={days === p.days}
                onClick={() => setDays(p.days)}
              >
                {p.label}
              </button>
            ))}
          </div>
        }
      />
      <section className="card" aria-labelledby="analytics-title">
        <div className="card__header">
          <h2 id="analytics-title">Work</h2>
          <select
            className="select select--filter"
            aria-label="Group by"
            value={groupBy}
            onChange={(e) => setGroupBy(e.target.value as AnalyticsGroupBy)}
          >
            {(Object.keys(analyticsGroupLabels) as AnalyticsGroupBy[]).map((g) => (
              <option key={g} value={g}>
                {analyticsGroupLabels[g]}
              </option>
            ))}
          </select>
        </div>
        {report.isPending && <LoadingBlock label="Reading the figures…" />}
        {report.isError && (
          <div className="card__body">
            <ProblemAlert error={report.error} />
          </div>
        )}
        {report.data && rows.length === 0 && (
          <EmptyState icon={<Activity size={22} />} title="Nothing finished in this period">
            Figures appear as tasks end, approvals are decided and models are called.
          </EmptyState>
        )}
        {rows.length > 0 && (
          <>
            <div className="form-grid card__body">
              <div
                className="chart"
                role="img"
                aria-label={`Failure rate ${analyticsGroupLabels[groupBy].toLowerCase()}`}
              >
                <ResponsiveContainer width="100%" height="100%">
                  <BarChart data={chartRows} margin={{ top: 12, right: 12, bottom: 0, left: 0 }}>
                    <CartesianGrid vertical={false} stroke={AXIS} strokeOpacity={0.18} />
                    <XAxis dataKey="label" tick={{ fill: AXIS, fontSize: 11 }} tickLine={false} />
                    <YAxis
                      tick={{ fill: AXIS, fontSize: 12 }}
                      tickLine={false}
                      axisLine={false}
                      unit="%"
                      width={48}
                    />
                    <ChartTooltip />
                    <Bar
                      dataKey="failure"
                      name="Failure rate (%)"
                      fill={BAD}
                      radius={[4, 4, 0, 0]}
                    />
                  </BarChart>
                </ResponsiveContainer>
              </div>
              <div
                className="chart"
                role="img"
                aria-label={`Time to done ${analyticsGroupLabels[groupBy].toLowerCase()}`}
              >
                <ResponsiveContainer width="100%" height="100%">
                  <BarChart data={chartRows} margin={{ top: 12, right: 12, bottom: 0, left: 0 }}>
                    <CartesianGrid vertical={false} stroke={AXIS} strokeOpacity={0.18} />
                    <XAxis dataKey="label" tick={{ fill: AXIS, fontSize: 11 }} tickLine={false} />
                    <YAxis
                      tick={{ fill: AXIS, fontSize: 12 }}
                      tickLine={false}
                      axisLine={false}
                      unit=" s"
                      width={56}
                    />
                    <ChartTooltip />
                    <Legend />
                    <Bar dataKey="p50" name="Time to done p50 (s)" fill={ACCENT} />
                    <Bar dataKey="p95" name="p95 (s)" fill={SECOND} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </div>
            <AnalyticsTable rows={rows} />
          </>
        )}
      </section>
    </div>
  );
}

export function AnalyticsTable({ rows }: { rows: AnalyticsRow[] }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Figures">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="num">
              Finished
            </th>
            <th scope="col" className="num">
              Failure rate
            </th>
            <th scope="col" className="num">
              Time to done p50 / p95
            </th>
            <th scope="col" className="num">
              Retries
            </th>
            <th scope="col" className="num">
              Approval wait avg / p95
            </th>
            <th scope="col" className="num">
              Model latency p50 / p95
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <td className="cell-title">{row.label}</td>
              <td className="num">
                {(row.tasksFinished ?? 0).toLocaleString()}
                <span className="muted small">
                  {' '}
                  ({row.tasksDone ?? 0} done, {row.tasksFailed ?? 0} failed)
                </span>
              </td>
              <td className="num">{formatRate(row.failureRate)}</td>
              <td className="num">
                {ms(row.timeToDoneP50Ms)} / {ms(row.timeToDoneP95Ms)}
              </td>
              <td className="num">{(row.retries ?? 0).toLocaleString()}</td>
              <td className="num">
                {ms(row.approvalWaitAvgMs)} / {ms(row.approvalWaitP95Ms)}
                <span className="muted small"> ({row.approvalsDecided ?? 0})</span>
              </td>
              <td className="num">
                {ms(row.modelLatencyP50Ms)} / {ms(row.modelLatencyP95Ms)}
                <span className="muted small"> ({row.modelCalls ?? 0} calls)</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
