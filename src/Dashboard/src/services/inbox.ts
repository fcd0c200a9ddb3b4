import { api, unwrap, type Schemas } from '../api/client';

export type Escalation = Schemas['EscalationDto'];

export const inboxQueryKey = ['inbox', 'escalations'] as const;

/** Open escalations addressed to the CEO seat, oldest first. */
export function fetchEscalations(signal?: AbortSignal): Promise<Escalation[]> {
  return unwrap(api.GET('/api/inbox/escalations', { signal }), signal);
}

export function resolveEscalation(id: number, resolution: string | null): Promise<Escalation> {
  return unwrap(
    api.POST('/api/inbox/escalations/{id}/resolve', {
      params: { path: { id } },
      body: { resolution },
    }),
  );
}
