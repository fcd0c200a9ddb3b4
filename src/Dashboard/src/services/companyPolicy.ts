import { api, unwrap, type Schemas } from '../api/client';

export type CompanyPolicy = Schemas['CompanyPolicyDto'];
export type CompanyPolicyRequest = Schemas['CompanyPolicyRequest'];
export type CeoAssignment = Schemas['CeoAssignment'];
export type FlaggedAgent = Schemas['FlaggedAgentDto'];

export const companyPolicyKeys = {
  all: ['company-policy'] as const,
  current: () => ['company-policy', 'current'] as const,
};

export const ceoAssignmentLabels: Record<CeoAssignment, string> = {
  follow_hierarchy: 'Follow the hierarchy (the task goes to the top of the agent’s chain)',
  direct: 'Direct (the task goes straight to the agent)',
};

export function fetchCompanyPolicy(signal?: AbortSignal): Promise<CompanyPolicy> {
  return unwrap(api.GET('/api/company-policy', { signal }), signal);
}

/** Replaces the whole policy; a stale expectedVersion is refused (412). */
export function setCompanyPolicy(request: CompanyPolicyRequest): Promise<CompanyPolicy> {
  return unwrap(api.PUT('/api/company-policy', { body: request }));
}

/** Whether a model id is allowed by a list of entries (ids, provider:* or *), as the Api matches them. */
export function modelAllowedBy(model: string, entries: readonly string[]): boolean {
  const id = model.trim().toLowerCase();
  const provider = id.includes(':') ? id.slice(0, id.indexOf(':')) : id;
  return entries.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry === '*') return true;
    if (entry.endsWith(':*')) return provider === entry.slice(0, -2);
    return entry === id;
  });
}

/**
 * The models an agent may be given: the company's list within the server's (the server's alone when the
 * company names none). Patterns such as `scripted:*` are kept: the field accepts any id they cover.
 */
export function effectiveModels(policy: CompanyPolicy | undefined): string[] {
  if (!policy) return [];
  const server = policy.serverAllowedModels ?? [];
  const company = policy.allowedModels ?? [];
  return company.length > 0 ? company : server;
}
