import { api, unwrap, type Schemas } from '../api/client';
import { ApiError } from './http';

export type Session = Schemas['Session'];
export type CompanyMembership = Schemas['CompanyMembership'];

export const sessionQueryKey = ['session'] as const;

/** The signed-in session, or `null` when nobody is signed in (401). */
export async function fetchSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    return await unwrap(api.GET('/api/auth/me', { signal }), signal);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function login(email: string, password: string): Promise<Session> {
  return unwrap(api.POST('/api/auth/login', { body: { email, password, companyId: null } }));
}

export async function logout(): Promise<void> {
  await unwrap(api.POST('/api/auth/logout'));
}

export function switchCompany(companyId: number): Promise<Session> {
  return unwrap(api.POST('/api/auth/switch', { body: { companyId } }));
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await unwrap(api.POST('/api/auth/password', { body: { currentPassword, newPassword } }));
}

export function createCompany(name: string, slug: string | null): Promise<CompanyMembership> {
  return unwrap(api.POST('/api/companies', { body: { name, slug } }));
}

const roleNames: Record<string, string> = { ceo: 'CEO', admin: 'Admin', viewer: 'Viewer' };

/** The role as people read it ("CEO", "Admin", "Viewer"). */
export function roleLabel(role: string): string {
  return roleNames[role] ?? role.charAt(0).toUpperCase() + role.slice(1);
}
