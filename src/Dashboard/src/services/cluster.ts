import { api, unwrap, type Schemas } from '../api/client';

/** A silo of the Orleans membership, with its load and the product's in-flight work on it. */
export type Silo = Schemas['ClusterSilo'];
export type SiloStatus = Silo['status'];
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

/** Where the Api mounts the Orleans Dashboard (operators only). */
export const orleansDashboardPath = '/orleans/';

/** A silo's identity in the membership: a restarted silo keeps its address and gets a new generation. */
export function siloKey(silo: Silo): string {
  return `${silo.address}@${silo.generation}`;
}

/** Dead silos stay in the membership for a while (Orleans cleans them up after a week). */
export function isDead(silo: Silo): boolean {
  return silo.status === 'dead';
}
