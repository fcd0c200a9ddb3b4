import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../services/events';
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

  it('ignores what it does not know', () => {
    expect(cacheActionsFor(event('mission:3', 'mission.started'))).toEqual([]);
    expect(cacheActionsFor(event('company:1', 'policy.denied'))).toEqual([]);
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
