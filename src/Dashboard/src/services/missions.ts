import { api, unwrap, type Schemas } from '../api/client';

export type MissionSuggestion = Schemas['MissionSuggestion'];
export type MissionCandidate = Schemas['MissionCandidate'];

export const missionKeys = {
  all: ['missions'] as const,
  /** The suggestion reads agents and their open tasks: task and agent events make it stale. */
  suggestion: (title: string, description: string) =>
    ['tasks', 'mission-suggestion', title, description] as const,
};

/** Asks the Api which of the CEO's direct reports should take a mission, and why. */
export function fetchMissionSuggestion(
  title: string,
  description: string,
  signal?: AbortSignal,
): Promise<MissionSuggestion> {
  return unwrap(
    api.GET('/api/missions/suggest-assignee', {
      params: { query: { title, description } },
      signal,
    }),
    signal,
  );
}
