import { useQuery } from '@tanstack/react-query';
import { Bot, Wrench } from 'lucide-react';
import { LoadingBlock } from '../../components/Loading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { formatUsd } from '../../services/costs';
import { fetchLlmCalls, fetchToolCalls, taskKeys, type ToolCall } from '../../services/tasks';
import { formatDuration, formatTokens } from './parts';

const outcomeTone: Record<ToolCall['outcome'], string> = {
  ok: 'badge badge--ok',
  denied: 'badge badge--bad',
  error: 'badge badge--bad',
  waiting: 'badge badge--warn',
  skipped: 'badge',
};

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

/** Every model call and tool call of the task, with tokens, cost and duration. */
export function Calls({ taskId }: { taskId: number }) {
  const llm = useQuery({
    queryKey: taskKeys.llmCalls(taskId),
    queryFn: ({ signal }) => fetchLlmCalls(taskId, signal),
  });
  const tools = useQuery({
    queryKey: taskKeys.toolCalls(taskId),
    queryFn: ({ signal }) => fetchToolCalls(taskId, signal),
  });

  return (
    <div className="stack">
      <section className="stack" style={{ gap: 8 }} aria-labelledby="llm-calls">
        <h3 id="llm-calls" className="section-title small-title">
          <Bot size={15} aria-hidden="true" /> Model calls
          {llm.data && llm.data.length > 0 && (
            <span className="muted small">
              {formatTokens(llm.data.reduce((n, c) => n + c.inputTokens + c.outputTokens, 0))}{' '}
              tokens · {formatUsd(llm.data.reduce((n, c) => n + c.cost, 0))}
            </span>
          )}
        </h3>
        {llm.isPending && <LoadingBlock label="Loading the model calls…" />}
        {llm.isError && <ProblemAlert error={llm.error} />}
        {llm.data?.length === 0 && <p className="muted">No model call yet.</p>}
        {llm.data && llm.data.length > 0 && (
          <div className="table-wrap">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th scope="col">Step</th>
                  <th scope="col">Model</th>
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
                    Time
                  </th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {llm.data.map((call) => (
                  <tr key={call.id}>
                    <td className="nowrap">
                      {call.step}
                      <span className="muted small"> · try {call.attempt}</span>
                    </td>
                    <td className="mono">{call.model}</td>
                    <td className="num">{formatTokens(call.inputTokens)}</td>
                    <td className="num">{formatTokens(call.outputTokens)}</td>
                    <td className="num">{formatUsd(call.cost)}</td>
                    <td className="num">{formatDuration(call.durationMs)}</td>
                    <td>
                      {call.succeeded ? (
                        <span className="badge badge--ok">{call.finishReason ?? 'done'}</span>
                      ) : (
                        <span className="badge badge--bad" title={call.error ?? undefined}>
                          failed
                        </span>
                      )}
                      {call.toolCalls > 0 && (
                        <span className="muted small"> · {call.toolCalls} tool calls</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="stack" style={{ gap: 8 }} aria-labelledby="tool-calls">
        <h3 id="tool-calls" className="section-title small-title">
          <Wrench size={15} aria-hidden="true" /> Tool calls
        </h3>
        {tools.isPending && <LoadingBlock label="Loading the tool calls…" />}
        {tools.isError && <ProblemAlert error={tools.error} />}
        {tools.data?.length === 0 && <p className="muted">No tool call yet.</p>}
        {tools.data && tools.data.length > 0 && (
          <ol className="notes">
            {tools.data.map((call) => (
              <li key={call.id} className="note">
                <div className="note__head">
                  <span className="row">
                    <strong className="mono">{call.tool}</strong>
                    <span className={outcomeTone[call.outcome]}>
                      {call.allowed ? call.outcome : 'denied'}
                    </span>
                  </span>
                  <span className="muted small">
                    step {call.step} · {formatDuration(call.durationMs)} ·{' '}
                    <RelativeTime value={call.at} intervalMs={30_000} />
                  </span>
                </div>
                {call.reason && <p className="small">{call.reason}</p>}
                <details>
                  <summary className="small muted">Arguments and result</summary>
                  <pre className="code">{json(call.arguments)}</pre>
                  {call.result && <pre className="code">{call.result}</pre>}
                </details>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
