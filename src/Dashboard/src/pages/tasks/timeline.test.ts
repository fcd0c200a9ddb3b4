import { describe, expect, it } from 'vitest';
import { describeTaskEvent } from './timeline';

const actor = (a: string | null | undefined) =>
  a === 'human:1' ? 'you' : a === 'agent:2' ? 'Marek Novak' : 'fluidManager';
const agent = (id: number) => (id === 3 ? 'Hana Sato' : `agent ${id}`);

function tell(type: string, payload: unknown, who = 'human:1') {
  return describeTaskEvent({ type, payload, actor: who }, actor, agent);
}

describe('describeTaskEvent', () => {
  it('tells who did what, in words', () => {
    expect(tell('task.created', {}).sentence).toBe('You created the task');
    expect(tell('task.assigned', { task: { assigneeAgentId: 3 } }).sentence).toBe(
      'You assigned it to Hana Sato',
    );
    expect(tell('task.started', {}, 'agent:2').sentence).toBe('Marek Novak started working on it');
  });

  it('quotes the reason of a pause, a block or a failure', () => {
    expect(tell('task.paused', { reason: 'Waiting for legal.' })).toMatchObject({
      sentence: 'You paused it',
      quote: 'Waiting for legal.',
      tone: 'warn',
    });
    expect(
      tell('task.failed', { task: { statusReason: 'The model refused.' } }, 'system'),
    ).toMatchObject({
      sentence: 'It failed',
      quote: 'The model refused.',
      tone: 'bad',
    });
  });

  it('reads priorities, deadlines and subtask progress', () => {
    expect(tell('task.priority_changed', { task: { priority: 'urgent' } }).sentence).toBe(
      'You set the priority to urgent',
    );
    expect(tell('task.deadline_changed', { task: { deadlineAt: null } }).sentence).toBe(
      'You removed the deadline',
    );
    expect(tell('task.subtask_progress', { subtaskId: 9, subtaskTo: 'done' })).toMatchObject({
      sentence: 'Subtask #9 is now done',
      tone: 'ok',
    });
  });

  it('quotes a note with its agent', () => {
    expect(
      tell('task.worklog_added', { agentId: 3, body: 'Schema drafted.' }, 'agent:3'),
    ).toMatchObject({
      sentence: 'Hana Sato added a note',
      quote: 'Schema drafted.',
    });
  });

  it('still says something about an event it does not know', () => {
    expect(tell('task.teleported', {}).sentence).toBe('You: task.teleported');
  });
});
