import type { LiveEvent } from '../../services/events';
import {
  priorityLabels,
  stateLabels,
  type TaskPriority,
  type TaskState,
} from '../../services/tasks';

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export interface TimelineEntry {
  /** What happened, as a sentence that starts with who did it. */
  sentence: string;
  /** A quote: a reason, a comment, a note. */
  quote?: string;
  tone: 'neutral' | 'ok' | 'warn' | 'bad' | 'info';
}

/**
 * Tells a task event as a sentence: "Ada Okafor paused it", with its reason. `actor` names who
 * did it; `agent` names an agent by id.
 */
export function describeTaskEvent(
  event: Pick<LiveEvent, 'type' | 'payload' | 'actor'>,
  actor: (actor: string | null | undefined) => string,
  agent: (id: number) => string,
): TimelineEntry {
  const who = actor(event.actor);
  const Who = who.charAt(0).toUpperCase() + who.slice(1);
  const payload = object(event.payload);
  const task = object(payload.task);
  const reason = text(payload.reason);
  switch (event.type) {
    case 'task.created':
      return { sentence: `${Who} created the task`, tone: 'neutral' };
    case 'task.assigned': {
      const assignee = number(task.assigneeAgentId);
      return {
        sentence: `${Who} assigned it to ${assignee === undefined ? 'nobody' : agent(assignee)}`,
        tone: 'info',
      };
    }
    case 'task.started':
      return { sentence: `${Who} started working on it`, tone: 'info' };
    case 'task.paused':
      return { sentence: `${Who} paused it`, quote: reason, tone: 'warn' };
    case 'task.resumed':
      return { sentence: `${Who} resumed it`, quote: reason, tone: 'info' };
    case 'task.blocked':
      return { sentence: `${Who} marked it blocked`, quote: reason, tone: 'bad' };
    case 'task.unblocked':
      return { sentence: `${Who} unblocked it`, quote: reason, tone: 'info' };
    case 'task.approval_requested':
      return { sentence: `${Who} asked for your approval`, quote: reason, tone: 'warn' };
    case 'task.approved':
      return { sentence: `${Who} approved it`, quote: reason, tone: 'ok' };
    case 'task.rejected':
      return { sentence: `${Who} rejected it`, quote: reason, tone: 'bad' };
    case 'task.completed':
      return { sentence: `${Who} completed it`, quote: text(task.result), tone: 'ok' };
    case 'task.failed':
      return { sentence: 'It failed', quote: reason ?? text(task.statusReason), tone: 'bad' };
    case 'task.cancelled':
      return { sentence: `${Who} cancelled it`, quote: reason, tone: 'neutral' };
    case 'task.retried':
      return { sentence: `${Who} sent it back to the queue for another attempt`, tone: 'info' };
    case 'task.priority_changed': {
      const priority = text(task.priority) as TaskPriority | undefined;
      return {
        sentence: `${Who} set the priority to ${priority ? priorityLabels[priority].toLowerCase() : 'another value'}`,
        tone: 'neutral',
      };
    }
    case 'task.deadline_changed': {
      const deadline = text(task.deadlineAt);
      return {
        sentence: deadline
          ? `${Who} set the deadline to ${new Date(deadline).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}`
          : `${Who} removed the deadline`,
        tone: 'neutral',
      };
    }
    case 'task.usage_recorded':
      return {
        sentence: `${Who} recorded usage: ${number(task.tokensUsed) ?? 0} tokens so far`,
        tone: 'neutral',
      };
    case 'task.commented':
      return {
        sentence: `${actor(text(payload.author))} commented`.replace(/^./, (c) => c.toUpperCase()),
        quote: text(payload.body),
        tone: 'neutral',
      };
    case 'task.worklog_added': {
      const author = number(payload.agentId);
      return {
        sentence: `${author === undefined ? Who : agent(author)} added a note`,
        quote: text(payload.body),
        tone: 'neutral',
      };
    }
    case 'task.artifact_added':
      return { sentence: `${Who} attached “${text(payload.name) ?? 'a file'}”`, tone: 'neutral' };
    case 'task.subtask_progress': {
      const to = text(payload.subtaskTo) as TaskState | undefined;
      return {
        sentence: `Subtask #${number(payload.subtaskId) ?? '?'} is now ${to ? stateLabels[to].toLowerCase() : 'changed'}`,
        tone: to === 'failed' ? 'bad' : to === 'done' ? 'ok' : 'neutral',
      };
    }
    case 'task.subtasks_finished':
      return { sentence: 'Every subtask is finished', tone: 'ok' };
    default:
      return { sentence: `${Who}: ${event.type}`, tone: 'neutral' };
  }
}
