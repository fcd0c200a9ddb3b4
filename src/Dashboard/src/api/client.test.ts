import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../services/http';
import { problem, stubApi } from '../test/render';
import { api, unwrap } from './client';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

describe('unwrap', () => {
  it('returns the data of a successful call', async () => {
    stubApi({ 'GET /api/tokens': () => Response.json([]) });
    await expect(unwrap(api.GET('/api/tokens'))).resolves.toEqual([]);
  });

  it('turns problem details into an ApiError with its code, fields and retry delay', async () => {
    stubApi({
      'POST /api/auth/login': () => {
        const response = problem(429, {
          title: 'Too many sign-in attempts.',
          code: 'rate_limited',
        });
        response.headers.set('Retry-After', '42');
        return response;
      },
    });
    const error: unknown = await unwrap(
      api.POST('/api/auth/login', { body: { email: 'a@b.c', password: 'x', companyId: null } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 42 });
  });

  it('sends an Idempotency-Key with every command', async () => {
    const calls = stubApi({ 'DELETE /api/tokens/7': () => new Response(null, { status: 204 }) });
    await unwrap(api.DELETE('/api/tokens/{id}', { params: { path: { id: 7 } } }));
    expect(calls[0]?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('reports a failed connection as status 0', async () => {
    globalThis.fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(unwrap(api.GET('/api/tokens'))).rejects.toMatchObject({
      status: 0,
      title: 'Network error',
    });
  });
});
