import { describe, expect, it, vi } from 'vitest';
import { ApiError, parseProblemDetails, requestJson } from './http';

const identity = (body: unknown) => body;

function stubFetch(response: Response | Error) {
  const fetchMock = vi.fn<typeof fetch>(() =>
    response instanceof Error ? Promise.reject(response) : Promise.resolve(response),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function captureError(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('parseProblemDetails', () => {
  it('accepts an RFC 9457 body', () => {
    const body = { type: 'about:blank', title: 'Not Found', status: 404, traceId: 'abc' };
    expect(parseProblemDetails(body)).toEqual(body);
  });

  it.each([null, 'text', 42, [], {}, { status: 500 }, { title: 7 }, { title: 'x', status: '500' }])(
    'rejects %j',
    (body) => {
      expect(parseProblemDetails(body)).toBeUndefined();
    },
  );
});

describe('requestJson', () => {
  it('returns the parsed body of a successful response', async () => {
    const fetchMock = stubFetch(Response.json({ id: 1 }));

    await expect(requestJson('/api/things/1', identity)).resolves.toEqual({ id: 1 });
    const headers = new Headers(fetchMock.mock.calls[0]?.[1]?.headers);
    expect(headers.get('Accept')).toContain('application/json');
  });

  it('turns a problem-details response into a typed ApiError', async () => {
    stubFetch(
      new Response(
        JSON.stringify({
          type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5',
          title: 'Agent not found',
          status: 404,
          detail: 'No agent with id 42.',
          instance: '/api/agents/42',
        }),
        { status: 404, headers: { 'Content-Type': 'application/problem+json' } },
      ),
    );

    const error = await captureError(requestJson('/api/agents/42', identity));
    expect(error).toMatchObject({
      status: 404,
      title: 'Agent not found',
      detail: 'No agent with id 42.',
      instance: '/api/agents/42',
    });
    expect(error.message).toBe('Agent not found: No agent with id 42.');
  });

  it('falls back to the status text for a non-JSON error body', async () => {
    stubFetch(new Response('upstream down', { status: 502, statusText: 'Bad Gateway' }));

    const error = await captureError(requestJson('/api/x', identity));
    expect(error).toMatchObject({ status: 502, title: 'Bad Gateway', detail: 'upstream down' });
  });

  it('returns the body of an accepted non-2xx status', async () => {
    stubFetch(Response.json({ status: 'Unhealthy' }, { status: 503 }));

    await expect(
      requestJson('/health/ready', identity, { acceptStatuses: [503] }),
    ).resolves.toEqual({ status: 'Unhealthy' });
  });

  it('rejects an accepted status whose body is not JSON', async () => {
    stubFetch(new Response('Service Unavailable', { status: 503 }));

    const error = await captureError(
      requestJson('/health/ready', identity, { acceptStatuses: [503] }),
    );
    expect(error).toMatchObject({ status: 503, title: 'HTTP 503', detail: 'Service Unavailable' });
  });

  it('reports a body the parser rejects as an unexpected response', async () => {
    stubFetch(Response.json({ nope: true }));
    const parse = () => {
      throw new Error('missing id');
    };

    const error = await captureError(requestJson('/api/x', parse));
    expect(error).toMatchObject({
      status: 200,
      title: 'Unexpected response',
      detail: 'missing id',
    });
  });

  it('maps a network failure to status 0', async () => {
    stubFetch(new TypeError('Failed to fetch'));

    const error = await captureError(requestJson('/api/x', identity));
    expect(error).toMatchObject({ status: 0, title: 'Network error', detail: 'Failed to fetch' });
  });
});
