import { api, unwrap, type Schemas } from '../api/client';

export type ApiToken = Schemas['ApiTokenInfo'];
export type CreatedToken = Schemas['CreatedToken'];

export const tokensQueryKey = ['tokens'] as const;

export function fetchTokens(signal?: AbortSignal): Promise<ApiToken[]> {
  return unwrap(api.GET('/api/tokens', { signal }), signal);
}

export function createToken(name: string, expiresAt: string | null): Promise<CreatedToken> {
  return unwrap(api.POST('/api/tokens', { body: { name, expiresAt } }));
}

export async function revokeToken(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/tokens/{id}', { params: { path: { id } } }));
}

export type TokenState = 'active' | 'expired' | 'revoked';

export function tokenState(token: ApiToken, now: Date): TokenState {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && new Date(token.expiresAt) <= now) return 'expired';
  return 'active';
}
