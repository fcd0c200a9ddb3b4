import { api, unwrap, type Schemas } from '../api/client';

export type Member = Schemas['Member'];
export type AddedMember = Schemas['AddedMember'];
export type MemberRole = 'ceo' | 'admin' | 'viewer';

export const memberRoles: Record<MemberRole, string> = {
  ceo: 'CEO',
  admin: 'Admin',
  viewer: 'Viewer',
};

export const userKeys = {
  all: ['users'] as const,
  list: () => ['users', 'list'] as const,
};

export function fetchMembers(signal?: AbortSignal): Promise<Member[]> {
  return unwrap(api.GET('/api/users', { signal }), signal);
}

export function addMember(request: Schemas['AddUserRequest']): Promise<AddedMember> {
  return unwrap(api.POST('/api/users', { body: request }));
}

export function updateMember(id: number, changes: Partial<Schemas['UpdateUserRequest']>) {
  return unwrap(
    api.PATCH('/api/users/{id}', {
      params: { path: { id } },
      body: { role: null, displayName: null, password: null, disabled: null, ...changes },
    }),
  );
}

export async function removeMember(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/users/{id}', { params: { path: { id } } }));
}
