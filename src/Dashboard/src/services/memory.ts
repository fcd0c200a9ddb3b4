import { api, unwrap, type Schemas } from '../api/client';

export type AgentProgress = Schemas['AgentProgressDto'];
export type AgentProgressDay = Schemas['AgentProgressDay'];
export type WorklogEntry = Schemas['AgentWorklogEntry'];
export type MemoryHit = Schemas['MemoryHit'];
export type MemoryItem = Schemas['MemoryItemDto'];
export type MemoryKind = Schemas['MemoryKind'];
export type PlaybookChange = Schemas['PlaybookChangeDto'];
export type AgentCapabilities = Schemas['AgentCapabilitiesDto'];
export type AgentSpend = Schemas['AgentSpendDto'];
export type Artifact = Schemas['ArtifactDto'];

export const memoryKinds: MemoryKind[] = ['fact', 'lesson', 'episode'];

export const memoryKindLabels: Record<MemoryKind, string> = {
  episode: 'Episode',
  fact: 'Fact',
  lesson: 'Lesson',
};

export interface MemorySearch {
  q: string;
  kind: MemoryKind | '';
  includeInactive: boolean;
}

/**
 * Everything here hangs under the agent's detail key: an event on the agent's stream (memory.*,
 * playbook.*) invalidates "agents", so every open tab refetches what it shows.
 */
export const memoryKeys = {
  progress: (agentId: number, days: number) =>
    ['agents', 'detail', agentId, 'progress', days] as const,
  search: (agentId: number, search: MemorySearch) =>
    ['agents', 'detail', agentId, 'memory', search] as const,
  playbook: (agentId: number) => ['agents', 'detail', agentId, 'playbook'] as const,
  capabilities: (agentId: number) => ['agents', 'detail', agentId, 'capabilities'] as const,
  artifacts: (agentId: number) => ['agents', 'detail', agentId, 'artifacts'] as const,
  spend: (agentId: number, from: string | null) =>
    ['agents', 'detail', agentId, 'spend', from] as const,
  /** Under "inbox": playbook events on the company's stream refresh it. */
  pendingPlaybook: ['inbox', 'playbook-changes'] as const,
};

export function fetchAgentProgress(
  agentId: number,
  days: number,
  signal?: AbortSignal,
): Promise<AgentProgress> {
  return unwrap(
    api.GET('/api/agents/{id}/progress', {
      params: { path: { id: agentId }, query: { days } },
      signal,
    }),
    signal,
  );
}

export function searchMemory(
  agentId: number,
  search: MemorySearch,
  signal?: AbortSignal,
): Promise<MemoryHit[]> {
  const q = search.q.trim();
  return unwrap(
    api.GET('/api/agents/{id}/memory', {
      params: {
        path: { id: agentId },
        query: {
          ...(q ? { q } : {}),
          ...(search.kind ? { kind: search.kind } : {}),
          ...(search.includeInactive ? { includeInactive: true } : {}),
          limit: 100,
        },
      },
      signal,
    }),
    signal,
  );
}

export function editMemory(
  agentId: number,
  item: Pick<MemoryItem, 'id' | 'version'>,
  change: { content?: string; pinned?: boolean },
): Promise<MemoryItem> {
  return unwrap(
    api.PATCH('/api/agents/{id}/memory/{itemId}', {
      params: { path: { id: agentId, itemId: item.id } },
      body: {
        content: change.content ?? null,
        pinned: change.pinned ?? null,
        expectedVersion: item.version,
        asAgentId: null,
      },
    }),
  );
}

export function forgetMemory(
  agentId: number,
  itemId: number,
  reason: string | null,
): Promise<MemoryItem> {
  return unwrap(
    api.POST('/api/agents/{id}/memory/{itemId}/forget', {
      params: { path: { id: agentId, itemId } },
      body: { reason, asAgentId: null },
    }),
  );
}

/** Adds a note to the agent's own worklog, outside any task (the CEO only). */
export function addAgentNote(agentId: number, body: string): Promise<Schemas['WorklogEntryDto']> {
  return unwrap(
    api.POST('/api/agents/{id}/worklog', {
      params: { path: { id: agentId } },
      body: { body, visibility: null },
    }),
  );
}

export function fetchPlaybookChanges(
  agentId: number,
  signal?: AbortSignal,
): Promise<PlaybookChange[]> {
  return unwrap(
    api.GET('/api/agents/{id}/playbook/changes', { params: { path: { id: agentId } }, signal }),
    signal,
  );
}

export function fetchPendingPlaybookChanges(signal?: AbortSignal): Promise<PlaybookChange[]> {
  return unwrap(api.GET('/api/inbox/playbook-changes', { signal }), signal);
}

export function decidePlaybookChange(
  agentId: number,
  changeId: number,
  approve: boolean,
  comment: string | null,
): Promise<PlaybookChange> {
  const params = { path: { id: agentId, changeId } };
  const body = { comment };
  return unwrap(
    approve
      ? api.POST('/api/agents/{id}/playbook/changes/{changeId}/approve', { params, body })
      : api.POST('/api/agents/{id}/playbook/changes/{changeId}/reject', { params, body }),
  );
}

export function fetchAgentCapabilities(
  agentId: number,
  signal?: AbortSignal,
): Promise<AgentCapabilities> {
  return unwrap(
    api.GET('/api/agents/{id}/capabilities', { params: { path: { id: agentId } }, signal }),
    signal,
  );
}

export function fetchAgentArtifacts(agentId: number, signal?: AbortSignal): Promise<Artifact[]> {
  return unwrap(
    api.GET('/api/agents/{id}/artifacts', { params: { path: { id: agentId } }, signal }),
    signal,
  );
}

/** The agent's own spend (not its reports') since `from` (an UTC day), or ever (null). */
export function fetchAgentSpend(
  agentId: number,
  from: string | null,
  signal?: AbortSignal,
): Promise<AgentSpend> {
  return unwrap(
    api.GET('/api/costs/agents/{id}', {
      params: { path: { id: agentId }, query: { subtree: false, ...(from ? { from } : {}) } },
      signal,
    }),
    signal,
  );
}

/** Whether search can still return the item: neither forgotten nor superseded nor expired. */
export function isLive(item: MemoryItem, now: number = Date.now()): boolean {
  return (
    !item.forgottenAt &&
    (!item.validTo || new Date(item.validTo).getTime() > now) &&
    new Date(item.validFrom).getTime() <= now
  );
}

/**
 * Where an item came from, as words and a link to its source (null when there is nothing to open).
 * `nameOf` turns an actor ("human:1", "agent:7") into a name.
 */
export function provenance(
  item: MemoryItem,
  nameOf: (actor: string) => string,
): { label: string; to: string | null } {
  switch (item.sourceKind) {
    case 'task':
      return item.sourceTaskId != null
        ? { label: `Task #${item.sourceTaskId}`, to: `/tasks/${item.sourceTaskId}` }
        : { label: 'A task', to: null };
    case 'meeting':
      return item.sourceMeetingId != null
        ? { label: `Meeting #${item.sourceMeetingId}`, to: `/meetings/${item.sourceMeetingId}` }
        : { label: 'A meeting', to: null };
    case 'agent': {
      const match = /^agent:(\d+)$/.exec(item.sourceActor);
      return {
        label: `Written by ${nameOf(item.sourceActor)}`,
        to: match ? `/agents/${match[1]}/progress` : null,
      };
    }
    default:
      return { label: `Told by ${nameOf(item.sourceActor)}`, to: null };
  }
}

/** A relative change as words: -0.2 → "20% cheaper", 0.1 → "10% dearer". */
export function trendLabel(trend: number | null | undefined): string | null {
  if (trend === null || trend === undefined || !Number.isFinite(trend)) return null;
  const percent = Math.round(Math.abs(trend) * 100);
  if (percent === 0) return 'about the same';
  return trend < 0 ? `${percent}% cheaper` : `${percent}% dearer`;
}
