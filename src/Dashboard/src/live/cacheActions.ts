import type { QueryKey } from '@tanstack/react-query';
import type { LiveEvent } from '../services/events';
import { sessionQueryKey } from '../services/session';

/**
 * What one event does to the query cache. An invalidation with `settle` waits for the events to
 * settle (see `Settler`): for reports that aggregate many rows, which a busy company would
 * otherwise ask for again on every batch of events.
 */
export type CacheAction =
  | { kind: 'invalidate'; queryKey: QueryKey; settle?: true }
  | { kind: 'remove'; queryKey: QueryKey };

/** How long a report's events must be quiet before it is read again, and the longest wait. */
export const REPORT_SETTLE_MS = 1000;
export const REPORT_MAX_WAIT_MS = 5000;

/** The stream's kind and id: "task:42" → ["task", "42"]; "company" → ["company", ""]. */
export function parseStream(stream: string): [kind: string, id: string] {
  const colon = stream.indexOf(':');
  return colon < 0 ? [stream, ''] : [stream.slice(0, colon), stream.slice(colon + 1)];
}

function invalidate(...queryKey: QueryKey): CacheAction {
  return { kind: 'invalidate', queryKey };
}

function report(...queryKey: QueryKey): CacheAction {
  return { kind: 'invalidate', queryKey, settle: true };
}

/**
 * Maps an event to the cached queries it makes stale, by stream and type. The browser holds no
 * business rule: it does not compute the new state from the event, it asks the Api again (only
 * the queries on screen are refetched; the others are marked stale).
 */
export function cacheActionsFor(event: LiveEvent): CacheAction[] {
  const [kind, id] = parseStream(event.stream);
  const type = event.type;
  // Approvals, questions and budgets travel on several streams; they mean the same everywhere.
  if (type.startsWith('approval.')) {
    return [invalidate('approvals'), invalidate('tasks'), invalidate('audit'), report('analytics')];
  }
  // The notification centre: alerts fire, resolve and are read on the company stream.
  if (type.startsWith('alert.')) return [invalidate('notifications')];
  if (type.startsWith('clarification.')) return [invalidate('clarifications'), invalidate('tasks')];
  if (type.startsWith('budget.')) return [invalidate('costs'), invalidate('tasks')];
  // Playbook changes travel on the company's stream (the CEO's inbox) and the agent's.
  if (type.startsWith('playbook.')) return [invalidate('inbox'), invalidate('agents')];
  switch (kind) {
    case 'task': {
      if (type === 'llm.call')
        return [invalidate('tasks'), invalidate('costs'), report('analytics')];
      if (type === 'tool.call') return [invalidate('tasks'), invalidate('audit')];
      if (type.startsWith('task.run_') || type === 'task.step_started') {
        return [invalidate('tasks')];
      }
      // A meeting's calls to action show their tasks' status.
      const actions = [invalidate('tasks'), invalidate('agents'), invalidate('meetings', 'detail')];
      if (type === 'task.created' || type === 'task.assigned')
        actions.push(invalidate('org-chart'));
      if (type === 'task.completed' || type === 'task.failed' || type === 'task.retried')
        actions.push(report('analytics'));
      return actions;
    }
    case 'agent': {
      if (type === 'agent.deleted') {
        return [
          { kind: 'remove', queryKey: ['agents', 'detail', Number(id)] },
          invalidate('agents'),
          invalidate('org-chart'),
        ];
      }
      return [invalidate('agents'), invalidate('org-chart')];
    }
    case 'meeting':
      return [invalidate('meetings')];
    case 'company': {
      if (type.startsWith('org.')) return [invalidate('org-chart'), invalidate('agents')];
      if (type.startsWith('policy.rule_')) return [invalidate('policies')];
      if (type === 'policy.denied') return [invalidate('audit')];
      // The company's governance: its policy, and the agents it flags.
      if (type === 'company.policy_changed') {
        return [invalidate('company-policy'), invalidate('agents')];
      }
      if (type.startsWith('inbox.')) return [invalidate('inbox')];
      // Membership: the Members list; a member whose role, account or membership changed reads
      // their own session again (a removed member is signed out, a demoted one loses commands).
      if (type.startsWith('member.')) {
        return type === 'member.added' || type === 'member.password_reset'
          ? [invalidate('users')]
          : [invalidate('users'), invalidate(...sessionQueryKey)];
      }
      return [];
    }
    // Spaces, their access rules and documents (created, renamed, deleted, tagged, read).
    case 'knowledge-space':
      return [invalidate('knowledge')];
    case 'schedule':
      return [invalidate('schedules')];
    // A run's steps and status (its page and its template's list of runs); a step's cost is its
    // tasks' cost. A run that starts may be a trigger's firing.
    case 'workflow-run':
      if (type === 'run.started')
        return [invalidate('workflow-runs'), invalidate('workflow-triggers')];
      return type.startsWith('step.')
        ? [invalidate('workflow-runs'), invalidate('tasks'), invalidate('costs')]
        : [invalidate('workflow-runs')];
    default:
      return [];
  }
}

/** Actions for a batch of events, without repeats (several events often touch the same list). */
export function cacheActionsForAll(events: readonly LiveEvent[]): CacheAction[] {
  const seen = new Set<string>();
  const actions: CacheAction[] = [];
  for (const event of events) {
    for (const action of cacheActionsFor(event)) {
      const key = `${action.kind}:${JSON.stringify(action.queryKey)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      actions.push(action);
    }
  }
  return actions;
}
