import type { InvalidateQueryFilters, QueryClient } from '@tanstack/react-query';

/**
 * Invalidates queries without ever cancelling a fetch on its way. By default an invalidation
 * cancels a running fetch and starts another: in a busy company events come faster than a long
 * list is read, so its fetch would be cancelled again and again and the page would keep showing old
 * data. Here a running fetch is left to land (`cancelRefetch: false`), and since its answer may
 * predate the event, the query is invalidated once more when that fetch ends; any number of events
 * during one fetch make that one follow-up read. Idle queries behave as a plain invalidation: the
 * active ones are read again, the inactive ones only marked stale.
 */
export class Refresher {
  /** Hashes of the queries that were being fetched when an event concerning them arrived. */
  private readonly awaiting = new Set<string>();
  private readonly queryClient: QueryClient;
  private readonly unsubscribe: () => void;
  private disposed = false;

  constructor(queryClient: QueryClient) {
    this.queryClient = queryClient;
    this.unsubscribe = queryClient.getQueryCache().subscribe((event) => {
      const { query } = event;
      if (event.type === 'removed') {
        this.awaiting.delete(query.queryHash);
        return;
      }
      if (event.type !== 'updated' || query.state.fetchStatus !== 'idle') return;
      const hash = query.queryHash;
      if (!this.awaiting.delete(hash)) return;
      // After the cache has finished telling everyone about the fetch that just ended.
      queueMicrotask(() => {
        if (this.disposed) return;
        void this.queryClient.invalidateQueries(
          { predicate: (candidate) => candidate.queryHash === hash },
          { cancelRefetch: false },
        );
      });
    });
  }

  /** Marks the matching queries stale and reads the active ones again, as `invalidateQueries`. */
  invalidate(filters: InvalidateQueryFilters): Promise<void> {
    if (this.disposed) return Promise.resolve();
    // Before invalidating: the invalidation itself starts fetches that are not to be followed up.
    for (const query of this.queryClient.getQueryCache().findAll(filters)) {
      if (query.state.fetchStatus === 'fetching') this.awaiting.add(query.queryHash);
    }
    return this.queryClient.invalidateQueries(filters, { cancelRefetch: false });
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    this.awaiting.clear();
  }
}
