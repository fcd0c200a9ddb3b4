import { api, unwrap, type Schemas } from '../api/client';
import { ApiError } from './http';

export type Meeting = Schemas['MeetingDto'];
export type MeetingStatus = Schemas['MeetingStatus'];
export type MeetingMessage = Schemas['MeetingMessageDto'];
export type Minutes = Schemas['MinutesDto'];
export type Cta = Schemas['CtaDto'];
export type CtaStatus = Schemas['CtaStatus'];

export const meetingKeys = {
  all: ['meetings'] as const,
  list: () => ['meetings', 'list'] as const,
  detail: (id: number) => ['meetings', 'detail', id] as const,
  messages: (id: number) => ['meetings', 'detail', id, 'messages'] as const,
  minutes: (id: number) => ['meetings', 'detail', id, 'minutes'] as const,
};

export const meetingStatusLabels: Record<MeetingStatus, string> = {
  draft: 'Draft',
  running: 'Running',
  synthesizing: 'Writing minutes',
  completed: 'Completed',
  failed: 'Minutes failed',
};

export const meetingStatusTone: Record<MeetingStatus, string> = {
  draft: 'plain',
  running: 'info',
  synthesizing: 'accent',
  completed: 'ok',
  failed: 'bad',
};

export const ctaStatusLabels: Record<CtaStatus, string> = {
  proposed: 'Proposed',
  dropped: 'Dropped',
  dispatched: 'Dispatched',
  refused: 'Refused',
};

export function fetchMeetings(signal?: AbortSignal): Promise<Meeting[]> {
  return unwrap(api.GET('/api/meetings', { signal }), signal);
}

export function fetchMeeting(id: number, signal?: AbortSignal): Promise<Meeting> {
  return unwrap(api.GET('/api/meetings/{id}', { params: { path: { id } }, signal }), signal);
}

export function fetchMessages(id: number, signal?: AbortSignal): Promise<MeetingMessage[]> {
  return unwrap(
    api.GET('/api/meetings/{id}/messages', { params: { path: { id }, query: {} }, signal }),
    signal,
  );
}

/** The minutes, or null while they are not written (the Api answers 404). */
export async function fetchMinutes(id: number, signal?: AbortSignal): Promise<Minutes | null> {
  try {
    return await unwrap(
      api.GET('/api/meetings/{id}/minutes', { params: { path: { id } }, signal }),
      signal,
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function createMeeting(input: {
  title: string;
  goal: string;
  agenda: string[];
  participantAgentIds: number[];
  maxRounds: number | null;
  budget: number | null;
  autoDispatch: boolean;
}): Promise<Meeting> {
  return unwrap(api.POST('/api/meetings', { body: { ...input, maxTokens: null, model: null } }));
}

export function startMeeting(id: number): Promise<Meeting> {
  return unwrap(api.POST('/api/meetings/{id}/start', { params: { path: { id } } }));
}

export function endMeeting(id: number): Promise<Meeting> {
  return unwrap(api.POST('/api/meetings/{id}/end', { params: { path: { id } } }));
}

export function speak(id: number, text: string, toAgentId: number | null): Promise<MeetingMessage> {
  return unwrap(
    api.POST('/api/meetings/{id}/messages', {
      params: { path: { id } },
      body: { text, toAgentId },
    }),
  );
}

/** The CEO's review of a call to action; what is left out stays as it is. */
export interface CtaChange {
  title?: string;
  description?: string;
  dueDate?: string;
  priority?: Cta['priority'];
  ownerAgentId?: number;
  dropped?: boolean;
}

export function updateCta(meetingId: number, ctaId: number, change: CtaChange): Promise<Cta> {
  return unwrap(
    api.PATCH('/api/meetings/{id}/ctas/{ctaId}', {
      params: { path: { id: meetingId, ctaId } },
      body: {
        title: change.title ?? null,
        description: change.description ?? null,
        dueDate: change.dueDate ?? null,
        priority: change.priority ?? null,
        ownerAgentId: change.ownerAgentId ?? null,
        dropped: change.dropped ?? null,
      },
    }),
  );
}

/** Only the fields the CEO changed, so that an unchanged due date in the past is not refused. */
export function ctaChanges(
  cta: Cta,
  form: { title: string; description: string; dueDate: string; priority: Cta['priority'] },
): CtaChange {
  const change: CtaChange = {};
  const title = form.title.trim();
  if (title !== cta.title) change.title = title;
  if (form.description !== cta.description) change.description = form.description;
  if (form.dueDate && form.dueDate !== (cta.dueDate ?? '')) change.dueDate = form.dueDate;
  if (form.priority !== cta.priority) change.priority = form.priority;
  return change;
}

export function dispatchCtas(meetingId: number): Promise<Cta[]> {
  return unwrap(
    api.POST('/api/meetings/{id}/dispatch', {
      params: { path: { id: meetingId } },
      body: { ctaIds: null },
    }),
  );
}

export function markdownUrl(meetingId: number): string {
  return `/api/meetings/${meetingId}/export.md`;
}

/** A participant's name as the meeting knows it, or the agent's id. */
export function participantName(meeting: Meeting, agentId: number | null | undefined): string {
  if (agentId == null) return 'the secretary';
  return meeting.participants.find((p) => p.agentId === agentId)?.name ?? `agent ${agentId}`;
}

/** "0.012345" → "$0.0123". */
export function formatCost(cost: number): string {
  return `$${cost < 1 ? cost.toFixed(4) : cost.toFixed(2)}`;
}
