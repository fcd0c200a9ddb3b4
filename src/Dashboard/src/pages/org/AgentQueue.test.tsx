import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Task, TaskPriority, TaskState } from '../../services/tasks';
import { problem, renderSignedIn, stubApi } from '../../test/render';
import { AgentQueue, queueOrder } from './AgentQueue';

configure({ asyncUtilTimeout: 5000 });

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

function task(id: number, priority: TaskPriority, status: TaskState, minute: number): Task {
  return {
    id,
    companyId: 1,
    title: `Task ${id}`,
    description: '',
    priority,
    status,
    createdAt: `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`,
    createdBy: 'user:1',
    updatedAt: '2026-01-01T00:00:00Z',
    version: 3,
    attemptCount: 0,
    maxAttempts: 3,
    costEstimate: 0,
    durationMs: 0,
    tokensUsed: 0,
    failurePolicy: 'fail_parent',
    subtasks: { total: 0, done: 0, failed: 0, running: 0 },
    allowedActions: status === 'queued' ? ['edit', 'start', 'cancel'] : ['pause'],
  } as unknown as Task;
}

const tasks = [
  task(1, 'low', 'queued', 1),
  task(2, 'urgent', 'queued', 5),
  task(3, 'normal', 'running', 9),
  task(4, 'urgent', 'queued', 2),
];

describe('AgentQueue', () => {
  it('orders the open work as the queue runs it: running first, then by priority, then oldest', () => {
    expect(queueOrder(tasks).map((t) => t.id)).toEqual([3, 4, 2, 1]);
  });

  it('changes a queued task’s priority with its version, and shows a refusal in words', async () => {
    const user = userEvent.setup();
    const sent: unknown[] = [];
    stubApi({
      'PUT /api/tasks/1/priority': async (request) => {
        sent.push(await request.json());
        return problem(409, { title: 'The task changed', detail: 'Reload it and try again.' });
      },
    });
    renderSignedIn(<AgentQueue agentId={7} tasks={tasks} />);
    const list = screen.getByRole('list', { name: 'Open work in queue order' });
    expect(
      within(list)
        .getAllByRole('link')
        .map((l) => l.textContent),
    ).toEqual(['Task 3', 'Task 4', 'Task 2', 'Task 1']);
    // A running task's priority no longer orders anything: its select says why it is disabled.
    expect(screen.getByLabelText('Priority of Task 3')).toBeDisabled();
    await user.selectOptions(screen.getByLabelText('Priority of Task 1'), 'high');
    expect(await screen.findByText('The task changed')).toBeInTheDocument();
    expect(sent).toEqual([{ priority: 'high', expectedVersion: 3 }]);
    expect(screen.getByLabelText('Priority of Task 1')).toHaveValue('low');
  });

  it('shows a viewer the priorities disabled, with the reason', () => {
    stubApi({});
    renderSignedIn(
      <AgentQueue agentId={7} tasks={tasks} reason="Only the CEO directs the company’s work." />,
    );
    for (const id of [1, 2, 3, 4])
      expect(screen.getByLabelText(`Priority of Task ${id}`)).toBeDisabled();
    expect(screen.getAllByRole('tooltip', { hidden: true })[0]).toHaveTextContent(
      'Only the CEO directs the company’s work.',
    );
  });
});
