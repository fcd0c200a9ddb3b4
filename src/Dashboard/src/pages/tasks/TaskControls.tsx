import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Ban, Pause, Play, RotateCcw } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { isCeo, useSession } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { agentName } from '../../services/agents';
import {
  allows,
  assignTask,
  cancelTask,
  changePriority,
  priorityLabels,
  setDeadline,
  stateLabels,
  taskKeys,
  transition,
  type Task,
  type TaskAction,
  type TaskPriority,
} from '../../services/tasks';
import { useAgentDirectory, PriorityOptions } from './parts';
import { Field } from '../../components/Field';

function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 16);
}

/**
 * The commands a person may give a task. The Api says which ones its state allows
 * (allowedActions); the others are shown disabled, with the reason on hover and focus.
 */
export function TaskControls({ task }: { task: Task }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const { agents } = useAgentDirectory();
  const [cancelling, setCancelling] = useState(false);
  const [deadline, setDeadlineText] = useState<string | null>(null);
  const ceo = isCeo(session);
  const key = taskKeys.detail(task.id);

  const why = (action: TaskAction): string | undefined => {
    if (!ceo) return 'Only the CEO directs the company’s work.';
    if (!allows(task, action))
      return `Not possible while the task is ${stateLabels[task.status].toLowerCase()}.`;
    return undefined;
  };

  /** Shows the change at once; the Api's refusal puts the task back as it was. */
  const command = useMutation({
    mutationFn: ({ run }: { run: () => Promise<Task>; optimistic?: Partial<Task>; done: string }) =>
      run(),
    onMutate: async ({ optimistic }) => {
      await queryClient.cancelQueries({ queryKey: key, exact: true });
      const previous = queryClient.getQueryData<Task>(key);
      if (previous && optimistic)
        queryClient.setQueryData<Task>(key, { ...previous, ...optimistic });
      return { previous };
    },
    onError: (_error, _vars, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
    },
    onSuccess: (updated, { done }) => {
      queryClient.setQueryData(key, updated);
      toast({ tone: 'ok', title: done });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: taskKeys.all }),
  });

  const run = (run: () => Promise<Task>, done: string, optimistic?: Partial<Task>) =>
    command.mutate({ run, done, optimistic });

  const button = (action: TaskAction, label: string, icon: ReactNode, onClick: () => void) => {
    const reason = why(action);
    return (
      <Tooltip text={reason}>
        <button
          type="button"
          className="button button--small"
          disabled={reason !== undefined || command.isPending}
          onClick={onClick}
        >
          {icon}
          {label}
        </button>
      </Tooltip>
    );
  };

  const deadlineValue = deadline ?? toLocalInput(task.deadlineAt);

  return (
    <section className="card card--padded controls" aria-label="Controls">
      <div className="row" style={{ flexWrap: 'wrap' }}>
        {task.status === 'paused'
          ? button('resume', 'Resume', <Play size={14} />, () =>
              run(() => transition(task, 'resume'), 'Task resumed'),
            )
          : button('pause', 'Pause', <Pause size={14} />, () =>
              run(() => transition(task, 'pause'), 'Task paused'),
            )}
        {button('retry', 'Retry', <RotateCcw size={14} />, () =>
          run(() => transition(task, 'retry'), 'Task queued again'),
        )}
        {button('cancel', 'Cancel…', <Ban size={14} />, () => setCancelling(true))}
      </div>

      <Field label="Assignee">
        <Tooltip text={why('assign')}>
          <select
            className="select"
            value={task.assigneeAgentId ?? ''}
            disabled={why('assign') !== undefined || command.isPending}
            onChange={(event) => {
              const agentId = Number(event.target.value);
              const agent = agents.find((a) => a.id === agentId);
              run(
                () => assignTask(task, agentId),
                `Reassigned to ${agent ? agentName(agent) : 'another agent'}`,
                {
                  assigneeAgentId: agentId,
                },
              );
            }}
          >
            {task.assigneeAgentId == null && <option value="">Nobody yet</option>}
            {agents
              .filter((a) => a.status !== 'archived' || a.id === task.assigneeAgentId)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {agentName(a)} · {a.profile.role}
                </option>
              ))}
          </select>
        </Tooltip>
      </Field>

      <Field label="Priority">
        <Tooltip text={why('edit')}>
          <select
            className="select"
            value={task.priority}
            disabled={why('edit') !== undefined || command.isPending}
            onChange={(event) => {
              const priority = event.target.value as TaskPriority;
              run(
                () => changePriority(task, priority),
                `Priority set to ${priorityLabels[priority].toLowerCase()}`,
                { priority },
              );
            }}
          >
            <PriorityOptions />
          </select>
        </Tooltip>
      </Field>

      <div className="field">
        <label className="field__label" htmlFor={`deadline-${task.id}`}>
          Deadline
        </label>
        <div className="row">
          <Tooltip text={why('edit')}>
            <input
              id={`deadline-${task.id}`}
              className="input"
              type="datetime-local"
              value={deadlineValue}
              disabled={why('edit') !== undefined}
              onChange={(event) => setDeadlineText(event.target.value)}
            />
          </Tooltip>
        </div>
        {deadline !== null && deadline !== toLocalInput(task.deadlineAt) && (
          <div className="row">
            <button
              type="button"
              className="button button--primary button--small"
              onClick={() => {
                const iso = deadline ? new Date(deadline).toISOString() : null;
                setDeadlineText(null);
                run(() => setDeadline(task, iso), iso ? 'Deadline set' : 'Deadline removed', {
                  deadlineAt: iso,
                });
              }}
            >
              Save deadline
            </button>
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={() => setDeadlineText(null)}
            >
              Undo
            </button>
          </div>
        )}
        {task.deadlineAt && deadline === null && why('edit') === undefined && (
          <button
            type="button"
            className="button button--ghost button--small"
            style={{ justifySelf: 'start' }}
            onClick={() =>
              run(() => setDeadline(task, null), 'Deadline removed', { deadlineAt: null })
            }
          >
            Remove the deadline
          </button>
        )}
      </div>

      {command.isError && <ProblemAlert error={command.error} />}

      <CancelDialog
        task={task}
        open={cancelling}
        onClose={() => setCancelling(false)}
        onConfirm={(cascade, reason) => {
          setCancelling(false);
          run(() => cancelTask(task, cascade, reason), 'Task cancelled', { status: 'cancelled' });
        }}
      />
    </section>
  );
}

function CancelDialog({
  task,
  open,
  onClose,
  onConfirm,
}: {
  task: Task;
  open: boolean;
  onClose: () => void;
  onConfirm: (cascade: boolean, reason: string | null) => void;
}) {
  const [cascade, setCascade] = useState(true);
  const [reason, setReason] = useState('');
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Cancel “${task.title}”?`}
      description="The assignee stops working on it. A cancelled task cannot be restarted."
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Keep it
          </button>
          <button
            type="button"
            className="button button--danger"
            onClick={() => onConfirm(cascade, reason.trim() || null)}
          >
            Cancel task
          </button>
        </>
      }
    >
      <Field label="Why (optional)">
        <input
          className="input"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="Told to the agents in the timeline"
        />
      </Field>
      {task.subtasks.total > 0 && (
        <label className="check-label">
          <input type="checkbox" checked={cascade} onChange={(e) => setCascade(e.target.checked)} />
          Also cancel its {task.subtasks.total - task.subtasks.done - task.subtasks.cancelled} open
          subtasks
        </label>
      )}
    </Dialog>
  );
}
