import { api, unwrap, type Schemas } from '../api/client';

export type SqlSource = Schemas['SqlSourceDto'];
export type AgentSqlGrants = Schemas['AgentSqlGrantsDto'];

export const dataSourceKeys = {
  catalogue: ['sql-sources'] as const,
  /** Under "agents": a grant changes the agent, and agent events make this stale. */
  grants: (agentId: number) => ['agents', 'detail', agentId, 'sql-sources'] as const,
};

/** The views (and schemas) that can be granted to agents, with their columns. */
export function fetchSqlSources(signal?: AbortSignal): Promise<SqlSource[]> {
  return unwrap(api.GET('/api/knowledge/sql/sources', { signal }), signal);
}

export function fetchAgentSqlGrants(
  agentId: number,
  signal?: AbortSignal,
): Promise<AgentSqlGrants> {
  return unwrap(
    api.GET('/api/knowledge/sql/agents/{agentId}/sources', {
      params: { path: { agentId } },
      signal,
    }),
    signal,
  );
}

export function grantSqlSource(agentId: number, source: string): Promise<AgentSqlGrants> {
  return unwrap(
    api.PUT('/api/knowledge/sql/agents/{agentId}/sources/{source}', {
      params: { path: { agentId, source } },
    }),
  );
}

export function revokeSqlSource(agentId: number, source: string): Promise<AgentSqlGrants> {
  return unwrap(
    api.DELETE('/api/knowledge/sql/agents/{agentId}/sources/{source}', {
      params: { path: { agentId, source } },
    }),
  );
}
