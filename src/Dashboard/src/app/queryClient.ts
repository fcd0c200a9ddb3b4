import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from '../services/http';
import { sessionQueryKey } from '../services/session';

function isClientError(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

/**
 * The one cache of server state. A 401 anywhere ends the session in the browser too (the tab
 * goes to the sign-in page); refusals (4xx) are not retried, network failures are, twice.
 */
export function createQueryClient(): QueryClient {
  const endSessionOn401 = (error: unknown) => {
    if (
      error instanceof ApiError &&
      error.status === 401 &&
      error.code !== 'auth.invalid_credentials'
    ) {
      client.setQueryData(sessionQueryKey, null);
    }
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: endSessionOn401 }),
    mutationCache: new MutationCache({ onError: endSessionOn401 }),
    defaultOptions: {
      queries: {
        // Live events mark what changed as stale; this only bounds how old a forgotten tab gets.
        staleTime: 60_000,
        retry: (failures, error) => !isClientError(error) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
  return client;
}
