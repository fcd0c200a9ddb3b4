import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BarChart3, Coins, Cpu, PhoneCall, Timer } from 'lucide-react';
import { useMemo, useState, type ReactNode } from 'react';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip as ChartTooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { isCeo, useSession } from '../../app/session';
import { EmptyState } from '../../components/EmptyState';
import { LoadingBlock } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import {
  costKeys,
  fetchBudget,
  fetchCosts,
  formatUsd,
  setBudget,
  utcDay,
  type Budget,
  type CostGroupBy,
  type CostRow,
} from '../../services/costs';
import { formatDuration, formatTokens } from '../tasks/parts';

const periods = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
];

const groupings: { value: CostGroupBy; label: string }[] = [
  { value: 'day', label: 'By day' },
  { value: 'agent', label: 'By agent' },
  { value: 'department', label: 'By department' },
  { value: 'project', label: 'By project' },
  { value: 'model', label: 'By model' },
  { value: 'task', label: 'By task' },
  { value: 'meeting', label: 'By meeting' },
];

const ACCENT = '#6d5ef0';
const AXIS = '#8b92a1';

type Metric = 'cost' | 'tokens';

function value(row: CostRow, metric: Metric): number {
  return metric === 'cost' ? row.cost : row.inputTokens + row.outputTokens;
}

/** Every day of the period, with the days nobody spent anything on as zeros. */
function everyDay(rows: CostRow[], from: Date, days: number): CostRow[] {
  const byDay = new Map(rows.map((r) => [r.key, r]));
  return Array.from({ length: days }, (_, i) => {
    const key = utcDay(new Date(from.getTime() + i * 86_400_000));
    return (
      byDay.get(key) ?? {
        key,
        label: key,
        calls: 0,
        cost: 0,
        durationMs: 0,
        inputTokens: 0,
        outputTokens: 0,
      }
    );
  });
}

export function CostsPage() {
  usePageTitle('Costs');
  const [days, setDays] = useState(7);
  const [groupBy, setGroupBy] = useState<CostGroupBy>('day');
  const { fromDate, from, to } = useMemo(() => {
    const today = new Date();
    const start = new Date(today.getTime() - (days - 1) * 86_400_000);
    return { fromDate: start, from: utcDay(start), to: utcDay(today) };
  }, [days]);
  const report = useQuery({
    queryKey: costKeys.report(groupBy, from, to),
    queryFn: ({ signal }) => fetchCosts(groupBy, from, to, signal),
  });
  const budget = useQuery({
    queryKey: costKeys.budget(),
    queryFn: ({ signal }) => fetchBudget(signal),
  });
  const total = report.data?.total;
  const metric: Metric = total && total.cost === 0 && total.calls > 0 ? 'tokens' : 'cost';
  const rows = report.data
    ? groupBy === 'day'
      ? everyDay(report.data.rows, fromDate, days)
      : [...report.data.rows].sort((a, b) => value(b, metric) - value(a, metric))
    : [];

  return (
    <div className="page">
      <PageHeader
        title="Costs"
        description="What the company spends on models, as it spends it: every call is counted with its tokens, cost and time."
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

      <BudgetCard budget={budget.data} error={budget.error} />

      <div className="stats">
        <Stat
          icon={<Coins size={15} />}
          label="Spent"
          value={total ? formatUsd(total.cost) : '–'}
        />
        <Stat
          icon={<PhoneCall size={15} />}
          label="Model calls"
          value={total ? total.calls.toLocaleString() : '–'}
        />
        <Stat
          icon={<Cpu size={15} />}
          label="Tokens in / out"
          value={
            total ? `${formatTokens(total.inputTokens)} / ${formatTokens(total.outputTokens)}` : '–'
          }
        />
        <Stat
          icon={<Timer size={15} />}
          label="Model time"
          value={total ? formatDuration(total.durationMs) : '–'}
        />
      </div>

      <section className="card" aria-labelledby="spend-title">
        <div className="card__header">
          <h2 id="spend-title">{metric === 'cost' ? 'Spend' : 'Tokens'}</h2>
          <select
            className="select select--filter"
            aria-label="Group by"
            value={groupBy}
            onChange={(e) => setGroupBy(e.target.value as CostGroupBy)}
          >
            {groupings.map((g) => (
              <option key={g.value} value={g.value}>
                {g.label}
              </option>
            ))}
          </select>
        </div>
        {report.isPending && <LoadingBlock label="Adding up the calls…" />}
        {report.isError && (
          <div className="card__body">
            <ProblemAlert error={report.error} />
          </div>
        )}
        {report.data && report.data.total.calls === 0 && (
          <EmptyState icon={<BarChart3 size={22} />} title="Nothing spent in this period">
            Costs appear here as soon as agents call a model.
          </EmptyState>
        )}
        {report.data && report.data.total.calls > 0 && (
          <>
            {metric === 'tokens' && (
              <p className="card__body muted small" style={{ paddingBottom: 0 }}>
                The models used so far cost nothing (such as the offline model): the chart shows
                tokens.
              </p>
            )}
            <div
              className="chart"
              style={
                groupBy === 'day'
                  ? undefined
                  : { height: Math.max(180, Math.min(rows.length, 12) * 34 + 40) }
              }
              role="img"
              aria-label={`${metric === 'cost' ? 'Spend' : 'Tokens'} ${groupings.find((g) => g.value === groupBy)?.label.toLowerCase()}`}
            >
              <ResponsiveContainer width="100%" height="100%">
                {groupBy === 'day' ? (
                  <AreaChart data={rows} margin={{ top: 12, right: 18, bottom: 0, left: 6 }}>
                    <defs>
                      <linearGradient id="spend-fill" x1="0" y1="0" x2="0" y2="1">
                        <stop offset="0%" stopColor={ACCENT} stopOpacity={0.35} />
                        <stop offset="100%" stopColor={ACCENT} stopOpacity={0.02} />
                      </linearGradient>
                    </defs>
                    <CartesianGrid vertical={false} stroke={AXIS} strokeOpacity={0.18} />
                    <XAxis
                      dataKey="label"
                      tick={{ fill: AXIS, fontSize: 12 }}
                      tickLine={false}
                      axisLine={false}
                      minTickGap={24}
                      tickFormatter={(d: string) => d.slice(5)}
                    />
                    <YAxis
                      tick={{ fill: AXIS, fontSize: 12 }}
                      tickLine={false}
                      axisLine={false}
                      width={64}
                      tickFormatter={(v: number) =>
                        metric === 'cost' ? formatUsd(v) : formatTokens(v)
                      }
                    />
                    <ChartTooltip content={<ChartTip metric={metric} />} />
                    <Area
                      type="monotone"
                      dataKey={(r: CostRow) => value(r, metric)}
                      stroke={ACCENT}
                      strokeWidth={2}
                      fill="url(#spend-fill)"
                    />
                  </AreaChart>
                ) : (
                  <BarChart
                    data={rows.slice(0, 12)}
                    layout="vertical"
                    margin={{ top: 8, right: 24, bottom: 8, left: 8 }}
                  >
                    <CartesianGrid horizontal={false} stroke={AXIS} strokeOpacity={0.18} />
                    <XAxis
                      type="number"
                      tick={{ fill: AXIS, fontSize: 12 }}
                      tickLine={false}
                      axisLine={false}
                      tickFormatter={(v: number) =>
                        metric === 'cost' ? formatUsd(v) : formatTokens(v)
                      }
                    />
                    <YAxis
                      type="category"
                      interval={0}
                      dataKey="label"
                      width={170}
                      tick={{ fill: AXIS, fontSize: 12 }}
                      tickLine={false}
                      axisLine={false}
                    />
                    <ChartTooltip
                      content={<ChartTip metric={metric} />}
                      cursor={{ fill: AXIS, fillOpacity: 0.08 }}
                    />
                    <Bar
                      dataKey={(r: CostRow) => value(r, metric)}
                      fill={ACCENT}
                      radius={[0, 6, 6, 0]}
                      barSize={18}
                    />
                  </BarChart>
                )}
              </ResponsiveContainer>
            </div>
            <CostTable rows={report.data.rows} total={report.data.total} />
          </>
        )}
      </section>
    </div>
  );
}

function ChartTip({
  active,
  payload,
  metric,
}: {
  active?: boolean;
  payload?: { payload: CostRow }[];
  metric: Metric;
}) {
  const row = payload?.[0]?.payload;
  if (!active || !row) return null;
  return (
    <div className="chart-tip">
      <strong>{row.label}</strong>
      <span>
        {metric === 'cost'
          ? formatUsd(row.cost, true)
          : `${formatTokens(row.inputTokens + row.outputTokens)} tokens`}
      </span>
      <span className="muted">{row.calls} calls</span>
    </div>
  );
}

function CostTable({ rows, total }: { rows: CostRow[]; total: CostRow }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="num">
              Calls
            </th>
            <th scope="col" className="num">
              Tokens in
            </th>
            <th scope="col" className="num">
              Tokens out
            </th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="num">
              Model time
            </th>
            <th scope="col" className="num hide-narrow">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {[...rows]
            .sort(
              (a, b) =>
                b.cost - a.cost ||
                b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens),
            )
            .map((row) => {
              const share =
                total.cost > 0
                  ? row.cost / total.cost
                  : (row.inputTokens + row.outputTokens) /
                    Math.max(1, total.inputTokens + total.outputTokens);
              return (
                <tr key={row.key}>
                  <td className="cell-title">{row.label}</td>
                  <td className="num">{row.calls.toLocaleString()}</td>
                  <td className="num">{formatTokens(row.inputTokens)}</td>
                  <td className="num">{formatTokens(row.outputTokens)}</td>
                  <td className="num">{formatUsd(row.cost)}</td>
                  <td className="num">{formatDuration(row.durationMs)}</td>
                  <td className="num hide-narrow">
                    <span className="share">
                      <span
                        className="share__bar"
                        style={{ width: `${Math.round(share * 100)}%` }}
                      />
                      {Math.round(share * 100)}%
                    </span>
                  </td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </div>
  );
}

function Stat({ icon, label, value: text }: { icon: ReactNode; label: string; value: string }) {
  return (
    <div className="stat">
      <span className="stat__label">
        {icon}
        {label}
      </span>
      <span className="stat__value">{text}</span>
    </div>
  );
}

function BudgetCard({ budget, error }: { budget: Budget | undefined; error: unknown }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (limit: number | null) => setBudget(limit),
    onSuccess: (updated) => {
      queryClient.setQueryData(costKeys.budget(), updated);
      setDraft(null);
      toast({
        tone: 'ok',
        title:
          updated.monthlyLimit === null
            ? 'Budget removed'
            : `Monthly budget set to ${formatUsd(updated.monthlyLimit)}`,
      });
    },
  });
  if (error) return <ProblemAlert error={error} />;
  if (!budget) return null;
  const used = budget.spent + budget.reserved;
  const ratio = budget.monthlyLimit ? Math.min(1, used / budget.monthlyLimit) : 0;
  const reason = isCeo(session) ? undefined : 'Only the CEO sets the budget.';
  const month = new Date(`${budget.month.slice(0, 7)}-01T00:00:00Z`).toLocaleDateString(undefined, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return (
    <section className="card card--padded budget" aria-labelledby="budget-title">
      <div className="budget__head">
        <div>
          <h2 id="budget-title" className="section-title">
            Budget for {month}
          </h2>
          <p className="muted small">
            Calls that would go past it are not made; their tasks wait for a budget raise.
          </p>
        </div>
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            const text = (draft ?? '').trim();
            save.mutate(text === '' ? null : Number(text));
          }}
        >
          <label className="visually-hidden" htmlFor="monthly-limit">
            Monthly budget in US dollars
          </label>
          <Tooltip text={reason}>
            <input
              id="monthly-limit"
              className="input"
              style={{ width: 150 }}
              inputMode="decimal"
              placeholder="No limit"
              value={draft ?? (budget.monthlyLimit === null ? '' : String(budget.monthlyLimit))}
              onChange={(e) => setDraft(e.target.value)}
              disabled={reason !== undefined}
            />
          </Tooltip>
          {draft !== null && (
            <button type="submit" className="button button--primary" disabled={save.isPending}>
              Save
            </button>
          )}
        </form>
      </div>
      <div className="budget__bar" aria-hidden="true">
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
      <p className="small">
        <strong>{formatUsd(budget.spent)}</strong> spent
        {budget.reserved > 0 && <> · {formatUsd(budget.reserved)} reserved by calls under way</>}
        {budget.monthlyLimit !== null ? (
          <> · of {formatUsd(budget.monthlyLimit)}</>
        ) : (
          <> · no monthly limit</>
        )}
      </p>
      {save.isError && <ProblemAlert error={save.error} />}
    </section>
  );
}
