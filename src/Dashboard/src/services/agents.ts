import { api, unwrap, type Schemas } from '../api/client';

export type Agent = Schemas['AgentDto'];
export type AgentProfile = Schemas['AgentProfile'];
export type AgentStatus = Schemas['AgentStatus'];
export type AgentSeniority = Schemas['AgentSeniority'];
export type AgentProfileRequest = Schemas['AgentProfileRequest'];
export type AgentCapabilities = Schemas['AgentCapabilitiesDto'];

export const agentKeys = {
  all: ['agents'] as const,
  list: () => ['agents', 'list'] as const,
  detail: (id: number) => ['agents', 'detail', id] as const,
  openTasks: (id: number) => ['agents', 'detail', id, 'tasks'] as const,
  capabilities: (id: number) => ['agents', 'detail', id, 'capabilities'] as const,
};

export const seniorities: AgentSeniority[] = [
  'junior',
  'mid',
  'senior',
  'lead',
  'principal',
  'executive',
];

export function fetchAgents(signal?: AbortSignal): Promise<Agent[]> {
  return unwrap(api.GET('/api/agents', { signal }), signal);
}

export function fetchAgent(id: number, signal?: AbortSignal): Promise<Agent> {
  return unwrap(api.GET('/api/agents/{id}', { params: { path: { id } }, signal }), signal);
}

export function fetchAgentOpenTasks(id: number, signal?: AbortSignal) {
  return unwrap(api.GET('/api/agents/{id}/tasks', { params: { path: { id } }, signal }), signal);
}

/** The agent's limits and current load: its tasks running, queued and waiting, today's spend. */
export function fetchAgentCapabilities(
  id: number,
  signal?: AbortSignal,
): Promise<AgentCapabilities> {
  return unwrap(
    api.GET('/api/agents/{id}/capabilities', { params: { path: { id } }, signal }),
    signal,
  );
}

/** How many tasks an agent runs at once when its profile says nothing (the Api's default). */
export const DEFAULT_MAX_CONCURRENT_TASKS = 1;

export function createAgent(
  profile: AgentProfileRequest,
  managerAgentId: number | null,
): Promise<Agent> {
  return unwrap(
    api.POST('/api/agents', {
      body: { profile, managerAgentId, placeInOrgChart: true, status: null },
    }),
  );
}

export function updateAgent(
  id: number,
  profile: AgentProfileRequest,
  expectedVersion: number,
): Promise<Agent> {
  return unwrap(
    api.PUT('/api/agents/{id}', { params: { path: { id } }, body: { profile, expectedVersion } }),
  );
}

export function setAgentStatus(
  id: number,
  status: AgentStatus,
  expectedVersion: number,
): Promise<Agent> {
  return unwrap(
    api.PUT('/api/agents/{id}/status', {
      params: { path: { id } },
      body: { status, expectedVersion },
    }),
  );
}

export async function deleteAgent(id: number, expectedVersion: number): Promise<void> {
  await unwrap(
    api.DELETE('/api/agents/{id}', {
      params: { path: { id } },
      headers: { 'If-Match': `"${expectedVersion}"` },
    }),
  );
}

/** The URL of an agent's avatar; the artifact id makes a new picture a new address. */
export function avatarUrl(agentId: number, artifactId: number | null | undefined): string | null {
  return artifactId ? `/api/agents/${agentId}/avatar?v=${artifactId}` : null;
}

/** The profile as the edit form sends it: every field, in the Api's request shape. */
export function toProfileRequest(profile: AgentProfile): AgentProfileRequest {
  return {
    firstName: profile.firstName,
    lastName: profile.lastName,
    role: profile.role,
    department: profile.department,
    seniority: profile.seniority ?? null,
    bio: profile.bio ?? null,
    affinities: profile.affinities ?? null,
    systemPrompt: profile.systemPrompt ?? null,
    styleGuidelines: profile.styleGuidelines ?? null,
    model: profile.model,
    allowedTools: profile.allowedTools ?? null,
    limits: profile.limits ?? null,
  };
}

export function agentName(agent: Pick<Agent, 'profile'>): string {
  return `${agent.profile.firstName} ${agent.profile.lastName}`.trim();
}
