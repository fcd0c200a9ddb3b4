import { api, unwrap, type Schemas } from '../api/client';

export type AuditEntry = Schemas['AuditEntry'];

/** The audits the Api reads from, in its words. */
export const auditKinds: Record<string, string> = {
  sql: 'SQL statement',
  web: 'Web request',
  retrieval: 'Knowledge retrieval',
  tool: 'Tool call',
  policy_denial: 'Policy denial',
  approval: 'Approval',
};

export interface AuditFilter {
  agentId?: number;
  kind?: string;
  outcome?: string;
  /** Local date-time text of an <input type="datetime-local">, or an ISO instant. */
  from?: string;
  to?: string;
  taskId?: number;
}

export const auditKeys = {
  all: ['audit'] as const,
  list: (filter: AuditFilter) => ['audit', filter] as const,
};

/** The filter as query values: empty ones left out, times as ISO instants. */
export function auditQuery(filter: AuditFilter): Record<string, string> {
  const query: Record<string, string> = {};
  if (filter.agentId !== undefined) query.agentId = String(filter.agentId);
  if (filter.kind) query.kind = filter.kind;
  if (filter.outcome?.trim()) query.outcome = filter.outcome.trim();
  if (filter.from) query.from = instant(filter.from);
  if (filter.to) query.to = instant(filter.to);
  if (filter.taskId !== undefined) query.taskId = String(filter.taskId);
  return query;
}

function instant(text: string): string {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

export function fetchAudit(filter: AuditFilter, signal?: AbortSignal): Promise<AuditEntry[]> {
  const query = auditQuery(filter);
  return unwrap(
    api.GET('/api/audit', {
      params: {
        query: {
          ...query,
          agentId: filter.agentId,
          taskId: filter.taskId,
        },
      },
      signal,
    }),
    signal,
  );
}

/** The CSV export of the same filter (the browser downloads it with the session cookie). */
export function auditCsvUrl(filter: AuditFilter): string {
  const query = new URLSearchParams(auditQuery(filter)).toString();
  return `/api/audit/export.csv${query ? `?${query}` : ''}`;
}
