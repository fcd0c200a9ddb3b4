import { api, unwrap, type Schemas } from '../api/client';

export type Approval = Schemas['ApprovalDto'];
export type Clarification = Schemas['ClarificationDto'];

export const approvalKeys = {
  all: ['approvals'] as const,
  pending: () => ['approvals', 'pending'] as const,
  ofTask: (taskId: number) => ['approvals', 'task', taskId] as const,
};

export const clarificationKeys = {
  all: ['clarifications'] as const,
  open: () => ['clarifications', 'open'] as const,
};

export function fetchPendingApprovals(signal?: AbortSignal): Promise<Approval[]> {
  return unwrap(
    api.GET('/api/approvals', { params: { query: { status: 'pending' } }, signal }),
    signal,
  );
}

export function fetchTaskApprovals(taskId: number, signal?: AbortSignal): Promise<Approval[]> {
  return unwrap(
    api.GET('/api/approvals', { params: { query: { status: 'all', taskId } }, signal }),
    signal,
  );
}

export function decideApproval(
  id: number,
  decision: 'approve' | 'reject',
  comment: string | null,
): Promise<Approval> {
  const options = { params: { path: { id } }, body: { comment } };
  return decision === 'approve'
    ? unwrap(api.POST('/api/approvals/{id}/approve', options))
    : unwrap(api.POST('/api/approvals/{id}/reject', options));
}

export function fetchOpenClarifications(signal?: AbortSignal): Promise<Clarification[]> {
  return unwrap(
    api.GET('/api/clarifications', { params: { query: { status: 'open' } }, signal }),
    signal,
  );
}

export function answerClarification(id: number, answer: string): Promise<Clarification> {
  return unwrap(
    api.POST('/api/clarifications/{id}/answer', { params: { path: { id } }, body: { answer } }),
  );
}

/** Questions the agents put to the CEO (not to another agent). */
export function askedOfCeo(clarification: Clarification): boolean {
  return !clarification.askedOf.startsWith('agent:');
}
