import { useQueries } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { formatUsd, utcDay } from '../../services/costs';
import { formatTokens } from '../tasks/parts';

/** What an agent has used against its own budgets: tokens today and this month (UTC), cost so far. */
export interface AgentUse {
  tokensToday: number | undefined;
  tokensThisMonth: number | undefined;
  costTotal: number | undefined;
}

function fetchOwnSpend(
  agentId: number,
  from: string | null,
  to: string | null,
  signal: AbortSignal,
) {
  return unwrap(
    api.GET('/api/costs/agents/{id}', {
      params: {
        path: { id: agentId },
        query: { subtree: false, ...(from ? { from } : {}), ...(to ? { to } : {}) },
      },
      signal,
    }),
    signal,
  );
}

/** The agent's own spend for today, this month and all time, kept live with the costs (llm.call events). */
export function useAgentUse(agentId: number): AgentUse {
  const now = new Date();
  const today = utcDay(now);
  const monthStart = `${today.slice(0, 8)}01`;
  const periods: [string | null, string | null][] = [
    [today, today],
    [monthStart, today],
    [null, null],
  ];
  const [day, month, all] = useQueries({
    queries: periods.map(([from, to]) => ({
      queryKey: ['costs', 'agent-use', agentId, from, to] as const,
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchOwnSpend(agentId, from, to, signal),
    })),
  });
  const tokens = (row: { inputTokens: number; outputTokens: number } | undefined) =>
    row ? row.inputTokens + row.outputTokens : undefined;
  return {
    tokensToday: tokens(day?.data?.own),
    tokensThisMonth: tokens(month?.data?.own),
    costTotal: all?.data?.own.cost,
  };
}

export function LimitUse({
  label,
  value,
  kind,
}: {
  label: string;
  value: number | undefined;
  kind: 'tokens' | 'usd';
}) {
  return (
    <div className="field">
      <span className="field__label">{label}</span>
      <span className="limit-use" aria-label={label}>
        {value === undefined ? '–' : kind === 'usd' ? formatUsd(value) : formatTokens(value)}
      </span>
    </div>
  );
}
