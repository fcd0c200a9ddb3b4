import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../services/events';
import { agentKeys } from '../services/agents';
import { analyticsKeys } from '../services/analytics';
import { auditKeys } from '../services/audit';
import { companyPolicyKeys } from '../services/companyPolicy';
import { dataSourceKeys } from '../services/dataSources';
import { memoryKeys } from '../services/memory';
import { notificationKeys } from '../services/notifications';
import { missionKeys } from '../services/missions';
import { policyRuleKeys } from '../services/policies';
import { knowledgeKeys } from '../services/knowledge';
import { sessionQueryKey } from '../services/session';
import { taskKeys } from '../services/tasks';
import { userKeys } from '../services/users';
import { cacheActionsFor, cacheActionsForAll, parseStream } from './cacheActions';

function event(stream: string, type: string, position = 1): LiveEvent {
  return { position, stream, type, payload: {}, actor: 'human:1', at: '2026-01-01T00:00:00Z' };
}

describe('parseStream', () => {
  it('splits a stream into kind and id', () => {
    expect(parseStream('task:42')).toEqual(['task', '42']);
    expect(parseStream('company')).toEqual(['company', '']);
  });
});

describe('cacheActionsFor', () => {
  it('marks task lists, task details, agents and meetings (their calls to action) stale on a task event', () => {
    expect(cacheActionsFor(event('task:42', 'task.paused'))).toEqual([
      { kind: 'invalidate', queryKey: ['tasks'] },
      { kind: 'invalidate', queryKey: ['agents'] },
      { kind: 'invalidate', queryKey: ['meetings', 'detail'] },
    ]);
  });

  it('refreshes the knowledge page on every event of a space (created, renamed, access, documents)', () => {
    for (const type of [
      'knowledge.space_created',
      'knowledge.space_updated',
      'knowledge.acl_changed',
      'knowledge.space_deleted',
      'knowledge.document_updated',
      'knowledge.document_ready',
    ]) {
      expect(cacheActionsFor(event('knowledge-space:7', type))).toEqual([
        { kind: 'invalidate', queryKey: knowledgeKeys.all },
      ]);
    }
  });

  it('refreshes meetings on a meeting event (a new message, the minutes)', () => {
    expect(cacheActionsFor(event('meeting:3', 'meeting.message'))).toEqual([
      { kind: 'invalidate', queryKey: ['meetings'] },
    ]);
  });

  it('refreshes the org chart when a task is assigned (the agent shows it works)', () => {
    const keys = cacheActionsFor(event('task:42', 'task.assigned')).map((a) => a.queryKey);
    expect(keys).toContainEqual(['org-chart']);
  });

  it('drops a deleted agent and refreshes the chart', () => {
    expect(cacheActionsFor(event('agent:7', 'agent.deleted'))).toEqual([
      { kind: 'remove', queryKey: ['agents', 'detail', 7] },
      { kind: 'invalidate', queryKey: ['agents'] },
      { kind: 'invalidate', queryKey: ['org-chart'] },
    ]);
  });

  it('routes company events by type', () => {
    expect(cacheActionsFor(event('company:1', 'org.subtree_moved'))).toEqual([
      { kind: 'invalidate', queryKey: ['org-chart'] },
      { kind: 'invalidate', queryKey: ['agents'] },
    ]);
    expect(cacheActionsFor(event('company:1', 'policy.rule_added'))).toEqual([
      { kind: 'invalidate', queryKey: ['policies'] },
    ]);
    expect(cacheActionsFor(event('company:1', 'inbox.escalation_added'))).toEqual([
      { kind: 'invalidate', queryKey: ['inbox'] },
    ]);
  });

  it('refreshes approvals, questions and costs wherever their events travel', () => {
    expect(cacheActionsFor(event('company:1', 'approval.requested'))).toEqual([
      { kind: 'invalidate', queryKey: ['approvals'] },
      { kind: 'invalidate', queryKey: ['tasks'] },
      { kind: 'invalidate', queryKey: ['audit'] },
      { kind: 'invalidate', queryKey: ['analytics'], settle: true },
    ]);
    expect(
      cacheActionsFor(event('task:4', 'clarification.answered')).map((a) => a.queryKey),
    ).toContainEqual(['clarifications']);
    expect(cacheActionsFor(event('task:4', 'llm.call'))).toEqual([
      { kind: 'invalidate', queryKey: ['tasks'] },
      { kind: 'invalidate', queryKey: ['costs'] },
      { kind: 'invalidate', queryKey: ['analytics'], settle: true },
    ]);
    expect(cacheActionsFor(event('schedule:2', 'schedule.fired'))).toEqual([
      { kind: 'invalidate', queryKey: ['schedules'] },
    ]);
  });

  it('keeps a workflow run live: its steps, its template’s runs and, for a step, its tasks', () => {
    expect(cacheActionsFor(event('workflow-run:9', 'run.paused'))).toEqual([
      { kind: 'invalidate', queryKey: ['workflow-runs'] },
    ]);
    for (const type of ['step.started', 'step.completed', 'step.failed', 'step.skipped']) {
      expect(cacheActionsFor(event('workflow-run:9', type)).map((a) => a.queryKey)).toEqual([
        ['workflow-runs'],
        ['tasks'],
        ['costs'],
      ]);
    }
  });

  it('shows a trigger’s new firing live: a run that starts makes the triggers’ firings stale', () => {
    expect(cacheActionsFor(event('workflow-run:12', 'run.started')).map((a) => a.queryKey)).toEqual(
      [['workflow-runs'], ['workflow-triggers']],
    );
    expect(
      cacheActionsFor(event('workflow-run:12', 'run.completed')).map((a) => a.queryKey),
    ).not.toContainEqual(['workflow-triggers']);
  });

  it('keeps a mission live: its task tree and the assignee suggestion go stale on task events', () => {
    for (const type of [
      'task.created',
      'task.assigned',
      'task.subtask_progress',
      'task.completed',
    ]) {
      const actions = cacheActionsFor(event('task:42', type));
      expect(staled(actions, taskKeys.subtasks(41))).toBe(true);
      expect(staled(actions, taskKeys.detail(41))).toBe(true);
      expect(staled(actions, missionKeys.suggestion('Launch', ''))).toBe(true);
    }
  });

  it('refreshes an agent’s data sources when the agent changes (a grant updates its profile)', () => {
    expect(
      staled(cacheActionsFor(event('agent:7', 'agent.updated')), dataSourceKeys.grants(7)),
    ).toBe(true);
  });

  it('refreshes the rules and the assignment questions when a rule changes', () => {
    for (const type of ['policy.rule_added', 'policy.rule_updated', 'policy.rule_deleted']) {
      const actions = cacheActionsFor(event('company:1', type));
      expect(staled(actions, policyRuleKeys.rules())).toBe(true);
      expect(staled(actions, policyRuleKeys.canAssign(1, 2))).toBe(true);
    }
  });

  it('refreshes the agent’s memory and progress when an item is added, edited or forgotten', () => {
    const search = { q: 'deployments', kind: '' as const, includeInactive: false };
    for (const type of ['memory.added', 'memory.edited', 'memory.forgotten', 'memory.superseded']) {
      const actions = cacheActionsFor(event('agent:7', type));
      expect(staled(actions, memoryKeys.search(7, search))).toBe(true);
      expect(staled(actions, memoryKeys.progress(7, 30))).toBe(true);
    }
  });

  it('refreshes the pending playbook changes and the agent’s playbook when a change is proposed or decided', () => {
    for (const type of ['playbook.proposed', 'playbook.approved', 'playbook.rejected']) {
      for (const stream of ['company:1', 'agent:7']) {
        const actions = cacheActionsFor(event(stream, type));
        expect(staled(actions, memoryKeys.pendingPlaybook)).toBe(true);
        expect(staled(actions, memoryKeys.playbook(7))).toBe(true);
      }
    }
  });

  it('refreshes the governance views: the company policy, the bell, the audit and the analytics', () => {
    const policy = cacheActionsFor(event('company:1', 'company.policy_changed'));
    expect(staled(policy, companyPolicyKeys.current())).toBe(true);
    expect(staled(policy, agentKeys.detail(3))).toBe(true);
    for (const type of ['alert.fired', 'alert.resolved', 'alert.read']) {
      const actions = cacheActionsFor(event('company:1', type));
      expect(staled(actions, notificationKeys.count())).toBe(true);
      expect(staled(actions, notificationKeys.list(true))).toBe(true);
    }
    expect(staled(cacheActionsFor(event('company:1', 'policy.denied')), auditKeys.list({}))).toBe(
      true,
    );
    expect(staled(cacheActionsFor(event('task:4', 'tool.call')), auditKeys.list({}))).toBe(true);
    expect(
      staled(
        cacheActionsFor(event('task:4', 'task.failed')),
        analyticsKeys.report('agent', '', ''),
      ),
    ).toBe(true);
  });

  it('refreshes the members on a membership event, and the session when a member’s role or membership changed', () => {
    for (const type of [
      'member.added',
      'member.role_changed',
      'member.updated',
      'member.password_reset',
      'member.removed',
    ]) {
      const actions = cacheActionsFor(event('company:1', type));
      expect(staled(actions, userKeys.list())).toBe(true);
      expect(staled(actions, sessionQueryKey)).toBe(
        ['member.role_changed', 'member.updated', 'member.removed'].includes(type),
      );
    }
  });

  it('ignores what it does not know', () => {
    expect(cacheActionsFor(event('mission:3', 'mission.started'))).toEqual([]);
    expect(cacheActionsFor(event('company:1', 'company.renamed'))).toEqual([]);
  });
});

describe('cacheActionsForAll', () => {
  it('asks for each query once however many events touch it', () => {
    const actions = cacheActionsForAll([
      event('task:1', 'task.started', 1),
      event('task:2', 'task.started', 2),
      event('agent:3', 'agent.updated', 3),
    ]);
    expect(actions).toEqual([
      { kind: 'invalidate', queryKey: ['tasks'] },
      { kind: 'invalidate', queryKey: ['agents'] },
      { kind: 'invalidate', queryKey: ['meetings', 'detail'] },
      { kind: 'invalidate', queryKey: ['org-chart'] },
    ]);
  });
});

/** Whether an invalidation of one of the actions' keys reaches `key` (TanStack matches by prefix). */
function staled(actions: ReturnType<typeof cacheActionsFor>, key: readonly unknown[]): boolean {
  return actions.some(
    (a) =>
      a.kind === 'invalidate' &&
      a.queryKey.length <= key.length &&
      a.queryKey.every((part, i) => JSON.stringify(part) === JSON.stringify(key[i])),
  );
}
