import { api, unwrap, type Schemas } from '../api/client';

export type PolicyRule = Schemas['PolicyRuleDto'];
export type PolicyRuleKind = Schemas['PolicyRuleKind'];
export type PolicyRuleRequest = Schemas['PolicyRuleRequest'];
export type PolicyDecision = Schemas['PolicyDecision'];
export type DelegationScope = Schemas['DelegationScope'];
export type ApprovalAction = Schemas['ApprovalAction'];

export const policyRuleKeys = {
  all: ['policies'] as const,
  rules: () => ['policies', 'rules'] as const,
  canAssign: (from: number, to: number) => ['policies', 'can-assign', from, to] as const,
};

export const kindLabels: Record<PolicyRuleKind, string> = {
  delegation_scope: 'Delegation scope',
  role_separation: 'Role separation',
  approval_required: 'Approval required',
};

export const scopeLabels: Record<DelegationScope, string> = {
  direct_subordinates: 'direct subordinates only',
  subtree: 'anyone in their team',
};

export const approvalLabels: Record<ApprovalAction, string> = {
  publication: 'Publication',
  spending: 'Spending',
  external_action: 'External action',
  tool_write: 'Tool that writes (MCP)',
};

export function fetchPolicyRules(signal?: AbortSignal): Promise<PolicyRule[]> {
  return unwrap(api.GET('/api/policies/rules', { signal }), signal);
}

export function addPolicyRule(request: PolicyRuleRequest): Promise<PolicyRule> {
  return unwrap(api.POST('/api/policies/rules', { body: request }));
}

/** Switches a rule on or off, keeping its settings; stale versions are refused (412). */
export function setPolicyRuleEnabled(rule: PolicyRule, enabled: boolean): Promise<PolicyRule> {
  const selector = (s: Schemas['AgentSelector']) => ({
    departments: s.departments ?? [],
    roles: s.roles ?? [],
  });
  return unwrap(
    api.PUT('/api/policies/rules/{id}', {
      params: { path: { id: rule.id } },
      body: {
        name: null,
        kind: null,
        description: rule.description,
        enabled,
        delegationScope: rule.delegationScope ? { scope: rule.delegationScope.scope } : null,
        roleSeparation: rule.roleSeparation
          ? {
              upper: selector(rule.roleSeparation.upper),
              lower: selector(rule.roleSeparation.lower),
              reason: rule.roleSeparation.reason,
            }
          : null,
        approval: rule.approval
          ? { action: rule.approval.action, threshold: rule.approval.threshold ?? null }
          : null,
        expectedVersion: rule.version,
      },
    }),
  );
}

export async function deletePolicyRule(rule: PolicyRule): Promise<void> {
  await unwrap(
    api.DELETE('/api/policies/rules/{id}', {
      params: { path: { id: rule.id } },
      headers: { 'If-Match': `"${rule.version}"` },
    }),
  );
}

/** May agent `from` assign work to agent `to`? The rules' answer, with the refusing rule. */
export function fetchCanAssign(
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<PolicyDecision> {
  return unwrap(
    api.GET('/api/policies/can-assign', { params: { query: { from, to } }, signal }),
    signal,
  );
}

/** "sales, marketing" → ["sales", "marketing"]. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** What a rule says, in one sentence. */
export function describeRule(rule: PolicyRule): string {
  if (rule.delegationScope) {
    return `Agents assign work to ${scopeLabels[rule.delegationScope.scope]}.`;
  }
  if (rule.roleSeparation) {
    const who = (s: Schemas['AgentSelector']) => {
      const departments = s.departments ?? [];
      const roles = s.roles ?? [];
      const shown =
        roles.slice(0, 3).join(', ') + (roles.length > 3 ? ` +${roles.length - 3}` : '');
      if (departments.length === 0) return roles.length ? `roles ${shown}` : 'nobody';
      return departments.join(' or ') + (roles.length ? ` (or roles ${shown})` : '');
    };
    return `${who(rule.roleSeparation.upper)} never above ${who(rule.roleSeparation.lower)}: ${rule.roleSeparation.reason}`;
  }
  if (rule.approval) {
    const threshold = rule.approval.threshold;
    return `${approvalLabels[rule.approval.action]} needs the CEO's approval${
      threshold ? ` above ${threshold}` : ''
    }.`;
  }
  return rule.description;
}
