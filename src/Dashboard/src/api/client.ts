import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, apiErrorFrom, networkError } from '../services/http';
import type { components, paths } from './schema';

/** The Api's wire types, generated from its OpenAPI document (see scripts/gen-api.mjs). */
export type Schemas = components['schemas'];

const COMMAND_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Every command carries an Idempotency-Key, so that the Api can replay it instead of doing it twice. */
const idempotency: Middleware = {
  onRequest({ request }) {
    if (COMMAND_METHODS.has(request.method) && !request.headers.has('Idempotency-Key')) {
      request.headers.set('Idempotency-Key', newIdempotencyKey());
    }
    return request;
  },
};

/**
 * The typed client: paths, parameters and bodies are checked against the generated schema.
 * `fetch` is looked up at call time so that tests can stub it.
 */
export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? '',
  credentials: 'same-origin',
  // TanStack Query is the cache. The browser's own would revalidate with ETags that do not cover
  // everything a response holds (the org chart's ETag is its structure's version, not its names).
  cache: 'no-store',
  headers: { Accept: 'application/json, application/problem+json' },
  fetch: (request) => globalThis.fetch(request),
});
api.use(idempotency);

type ClientResult<T> = { data?: T; error?: unknown; response: Response };

/**
 * Awaits a client call and returns its data, or throws the one error type of the dashboard,
 * {@link ApiError}, built from the problem details the Api sent (status 0 when nothing answered).
 */
export async function unwrap<T>(call: Promise<ClientResult<T>>, signal?: AbortSignal): Promise<T> {
  let result: ClientResult<T>;
  try {
    result = await call;
  } catch (error) {
    if (signal?.aborted || (error instanceof DOMException && error.name === 'AbortError'))
      throw error;
    if (error instanceof ApiError) throw error;
    throw networkError(error);
  }
  const { response } = result;
  if (!response.ok) {
    const body = result.error;
    throw apiErrorFrom(
      response,
      typeof body === 'string' || body === undefined
        ? { kind: 'text', value: body ?? '' }
        : { kind: 'json', value: body },
    );
  }
  return result.data as T;
}
