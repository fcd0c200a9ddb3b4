import type { APIRequestContext } from 'playwright-core';

export interface AgentSummary {
  id: number;
  managerAgentId: number | null;
  profile: { firstName: string; lastName: string; role: string; department: string };
}

export function fullName(agent: AgentSummary): string {
  return `${agent.profile.firstName} ${agent.profile.lastName}`;
}

/** The company's agents, read with the signed-in page's cookie. */
export async function listAgents(request: APIRequestContext): Promise<AgentSummary[]> {
  const response = await request.get('/api/agents');
  if (!response.ok()) throw new Error(`GET /api/agents answered ${response.status()}`);
  return (await response.json()) as AgentSummary[];
}

export async function findAgent(
  request: APIRequestContext,
  predicate: (agent: AgentSummary) => boolean,
  what: string,
): Promise<AgentSummary> {
  const agent = (await listAgents(request)).find(predicate);
  if (!agent) throw new Error(`The demo company has no ${what}.`);
  return agent;
}
