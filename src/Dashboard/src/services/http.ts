/** RFC 9457 problem details, as returned by the Api for failed requests. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export interface ApiErrorInit {
  /** HTTP status code, or 0 when no response was received (network failure). */
  status: number;
  title: string;
  detail?: string;
  type?: string;
  instance?: string;
  /** The Api's machine-readable reason, such as `auth.invalid_credentials` or `rate_limited`. */
  code?: string;
  /** Validation errors by field name (camelCase), each with its messages. */
  errors?: Record<string, string[]>;
  /** The hierarchy rule that refused a command (403 "A rule forbids this."). */
  rule?: string;
  /** Seconds to wait before trying again (from a Retry-After header). */
  retryAfter?: number;
}

/** The one error type thrown by {@link requestJson}. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly type: string | undefined;
  readonly instance: string | undefined;
  readonly code: string | undefined;
  readonly errors: Record<string, string[]>;
  readonly rule: string | undefined;
  readonly retryAfter: number | undefined;

  constructor(init: ApiErrorInit, options?: ErrorOptions) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title, options);
    this.name = 'ApiError';
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.type = init.type;
    this.instance = init.instance;
    this.code = init.code;
    this.errors = init.errors ?? {};
    this.rule = init.rule;
    this.retryAfter = init.retryAfter;
  }
}

/** Turns an unvalidated response body into `T`, throwing if it does not have the expected shape. */
export type BodyParser<T> = (body: unknown) => T;

export interface RequestOptions extends Omit<RequestInit, 'body'> {
  body?: unknown;
  /** Non-2xx statuses whose body is a regular payload rather than an error (e.g. 503 from a health endpoint). */
  acceptStatuses?: readonly number[];
}

const MAX_DETAIL_LENGTH = 200;

function isOptionalString(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === 'string';
}

/** Returns the body as problem details if it looks like one, otherwise `undefined`. */
export function parseProblemDetails(body: unknown): ProblemDetails | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { type, title, status, detail, instance, ...extensions } = body as Record<string, unknown>;
  if (
    !isOptionalString(type) ||
    !isOptionalString(title) ||
    !isOptionalString(detail) ||
    !isOptionalString(instance) ||
    !(status === undefined || status === null || typeof status === 'number')
  ) {
    return undefined;
  }
  if (!type && !title && !detail) return undefined;
  return {
    ...extensions,
    type: type ?? undefined,
    title: title ?? undefined,
    status: status ?? undefined,
    detail: detail ?? undefined,
    instance: instance ?? undefined,
  };
}

export type ResponseBody = { kind: 'json'; value: unknown } | { kind: 'text'; value: string };

async function readBody(response: Response): Promise<ResponseBody> {
  const text = await response.text();
  if (text.trim() === '') return { kind: 'text', value: '' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'text', value: text };
  }
}

function truncate(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_DETAIL_LENGTH ? `${trimmed.slice(0, MAX_DETAIL_LENGTH)}…` : trimmed;
}

function parseFieldErrors(value: unknown): Record<string, string[]> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const errors: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value)) {
    if (Array.isArray(messages)) {
      errors[field] = messages.filter((m): m is string => typeof m === 'string');
    } else if (typeof messages === 'string') {
      errors[field] = [messages];
    }
  }
  return errors;
}

function parseRetryAfter(response: Response): number | undefined {
  const header = response.headers.get('Retry-After');
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** Builds the {@link ApiError} for a failed response from its body (parsed JSON or text). */
export function apiErrorFrom(response: Response, body: ResponseBody): ApiError {
  const fallbackTitle = response.statusText || `HTTP ${response.status}`;
  const retryAfter = parseRetryAfter(response);
  const problem = body.kind === 'json' ? parseProblemDetails(body.value) : undefined;
  if (problem) {
    return new ApiError({
      status: response.status,
      title: problem.title || fallbackTitle,
      detail: problem.detail,
      type: problem.type,
      instance: problem.instance,
      code: typeof problem.code === 'string' ? problem.code : undefined,
      errors: parseFieldErrors(problem.errors),
      rule: typeof problem.rule === 'string' ? problem.rule : undefined,
      retryAfter,
    });
  }
  const detail = body.kind === 'text' && body.value !== '' ? truncate(body.value) : undefined;
  return new ApiError({ status: response.status, title: fallbackTitle, detail, retryAfter });
}

/** The error for a request that got no response at all. */
export function networkError(cause: unknown): ApiError {
  return new ApiError(
    {
      status: 0,
      title: 'Network error',
      detail: cause instanceof Error ? cause.message : 'The request could not be sent.',
    },
    { cause },
  );
}

/**
 * Fetches JSON from the Api. Resolves with the parsed body for 2xx (and `acceptStatuses`) responses;
 * otherwise rejects with an {@link ApiError}, built from RFC 9457 problem details when the Api sent them.
 * Aborts (via `signal`) are rethrown unchanged.
 */
export async function requestJson<T>(
  path: string,
  parse: BodyParser<T>,
  options: RequestOptions = {},
): Promise<T> {
  const { acceptStatuses = [], body, headers, ...init } = options;
  const requestHeaders = new Headers(headers);
  requestHeaders.set('Accept', 'application/json, application/problem+json');
  if (body !== undefined) requestHeaders.set('Content-Type', 'application/json');

  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: requestHeaders,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw networkError(error);
  }

  const responseBody = await readBody(response);
  // An accepted non-2xx status without a JSON payload (e.g. a proxy's plain-text 503) is still an error.
  if (!response.ok && (!acceptStatuses.includes(response.status) || responseBody.kind !== 'json')) {
    throw apiErrorFrom(response, responseBody);
  }
  if (responseBody.kind !== 'json') {
    throw new ApiError({
      status: response.status,
      title: 'Unexpected response',
      detail: 'Expected a JSON body from the server.',
    });
  }
  try {
    return parse(responseBody.value);
  } catch (error) {
    throw new ApiError(
      {
        status: response.status,
        title: 'Unexpected response',
        detail:
          error instanceof Error ? error.message : 'The response body has an unexpected shape.',
      },
      { cause: error },
    );
  }
}
