import { api, unwrap, type Schemas } from '../api/client';

export type Silo = Schemas['SiloInfo'];
export type DeadLetter = Schemas['DeadLetter'];

export const siloQueryKey = ['cluster', 'silos'] as const;
export const deadLetterQueryKey = ['cluster', 'dead-letters'] as const;

export function fetchSilos(signal?: AbortSignal): Promise<Silo[]> {
  return unwrap(api.GET('/api/cluster/silos', { signal }), signal);
}

export function fetchDeadLetters(signal?: AbortSignal): Promise<DeadLetter[]> {
  return unwrap(
    api.GET('/api/cluster/dead-letters', { params: { query: { limit: 200 } }, signal }),
    signal,
  );
}

export async function replayDeadLetter(id: number): Promise<void> {
  await unwrap(api.POST('/api/cluster/dead-letters/{id}/replay', { params: { path: { id } } }));
}

export type SiloHealth = 'alive' | 'draining' | 'stopped' | 'silent';

/** How a silo stands: "silent" when it stopped heart-beating without saying goodbye. */
export function siloHealth(silo: Silo): SiloHealth {
  if (silo.status === 'stopped') return 'stopped';
  if (!silo.alive) return 'silent';
  if (silo.status === 'draining') return 'draining';
  return 'alive';
}
