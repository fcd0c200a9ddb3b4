import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ProblemAlert } from '../../components/ProblemAlert';
import { Tooltip } from '../../components/Tooltip';
import {
  changePriority,
  priorities,
  priorityLabels,
  stateLabels,
  stateTone,
  taskKeys,
  type Task,
  type TaskPriority,
} from '../../services/tasks';
import { agentKeys } from '../../services/agents';
import { PriorityOptions } from '../tasks/parts';

/**
 * The agent's open work in the order it runs: what runs now, then the queue, highest priority
 * first, then oldest (the order the Api's queue follows).
 */
export function queueOrder(tasks: readonly Task[]): Task[] {
  const rank = (task: Task) => (task.status === 'running' ? -1 : priorities.indexOf(task.priority));
  return [...tasks].sort(
    (a, b) => rank(a) - rank(b) || a.createdAt.localeCompare(b.createdAt) || a.id - b.id,
  );
}

/** The agent's open tasks, each with its priority; the CEO changes a priority here, moving the task in the queue. */
export function AgentQueue({
  agentId,
  tasks,
  reason,
}: {
  agentId: number;
  tasks: readonly Task[];
  /** Why the priorities cannot be changed (a viewer), else undefined. */
  reason?: string;
}) {
  const queryClient = useQueryClient();
  // The select shows what was asked until the Api answers: the task moved, or a refusal.
  const [asked, setAsked] = useState<{ id: number; priority: TaskPriority } | null>(null);
  const change = useMutation({
    mutationFn: ({ task, priority }: { task: Task; priority: TaskPriority }) =>
      changePriority(task, priority),
    onSuccess: (updated) => {
      queryClient.setQueryData<Task[]>(agentKeys.openTasks(agentId), (list) =>
        list?.map((t) => (t.id === updated.id ? updated : t)),
      );
      void queryClient.invalidateQueries({ queryKey: agentKeys.openTasks(agentId) });
      void queryClient.invalidateQueries({ queryKey: taskKeys.all });
    },
    onSettled: () => setAsked(null),
  });
  if (tasks.length === 0) return <p className="muted">Nothing assigned right now.</p>;
  return (
    <>
      <ol className="mini-list" aria-label="Open work in queue order">
        {queueOrder(tasks).map((task) => {
          const why =
            reason ??
            (task.allowedActions?.includes('edit')
              ? undefined
              : `Not possible while the task is ${stateLabels[task.status].toLowerCase()}.`);
          const priority = asked?.id === task.id ? asked.priority : task.priority;
          return (
            <li key={task.id}>
              <Link to={`/tasks/${task.id}`}>{task.title}</Link>
              <span className="row" style={{ gap: 6 }}>
                <Tooltip text={why}>
                  <select
                    className="select select--inline"
                    aria-label={`Priority of ${task.title}`}
                    value={priority}
                    disabled={why !== undefined || change.isPending}
                    onChange={(event) => {
                      const next = event.target.value as TaskPriority;
                      setAsked({ id: task.id, priority: next });
                      change.mutate({ task, priority: next });
                    }}
                  >
                    <PriorityOptions />
                  </select>
                </Tooltip>
                <span className={`badge badge--${stateTone[task.status] || 'plain'}`}>
                  {stateLabels[task.status]}
                </span>
              </span>
            </li>
          );
        })}
      </ol>
      {change.isError && <ProblemAlert error={change.error} />}
      <span className="visually-hidden" aria-live="polite">
        {change.isSuccess &&
          `Priority set to ${priorityLabels[change.data.priority].toLowerCase()}`}
      </span>
    </>
  );
}
