import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Dialog } from '../../components/Dialog';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useToast } from '../../components/Toasts';
import { agentName } from '../../services/agents';
import { createTask, taskKeys, type TaskPriority } from '../../services/tasks';
import { useAgentDirectory, PriorityField } from './parts';
import { Field } from '../../components/Field';

export function NewTaskDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const { agents } = useAgentDirectory();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [assignee, setAssignee] = useState<number | null>(null);
  const [priority, setPriority] = useState<TaskPriority>('normal');
  const [deadline, setDeadline] = useState('');
  const [project, setProject] = useState('');

  const create = useMutation({
    mutationFn: () =>
      createTask({
        title: title.trim(),
        description: description.trim(),
        assigneeAgentId: assignee,
        priority,
        deadlineAt: deadline ? new Date(deadline).toISOString() : null,
        project: project.trim() || null,
      }),
    onSuccess: (task) => {
      void queryClient.invalidateQueries({ queryKey: taskKeys.all });
      toast({ tone: 'ok', title: 'Task created', detail: task.title });
      close();
      void navigate(`/tasks/${task.id}`);
    },
  });

  function close() {
    setTitle('');
    setDescription('');
    setAssignee(null);
    setPriority('normal');
    setDeadline('');
    setProject('');
    create.reset();
    onClose();
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New task"
      description="Hand work to an agent. It starts when the agent picks it up."
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            form="new-task"
            className="button button--primary"
            disabled={create.isPending}
          >
            {create.isPending ? 'Creating…' : 'Create task'}
          </button>
        </>
      }
    >
      <form
        id="new-task"
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <Field label="Title">
          <input
            className="input"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            autoFocus
          />
        </Field>
        <Field label="What needs doing">
          <textarea
            className="input textarea"
            rows={3}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </Field>
        <div className="form-grid">
          <Field label="Assignee">
            <select
              className="select"
              value={assignee ?? ''}
              onChange={(e) => setAssignee(e.target.value === '' ? null : Number(e.target.value))}
            >
              <option value="">Nobody yet</option>
              {agents
                .filter((a) => a.status !== 'archived')
                .map((a) => (
                  <option key={a.id} value={a.id}>
                    {agentName(a)} · {a.profile.role}
                  </option>
                ))}
            </select>
          </Field>
          <PriorityField value={priority} onChange={setPriority} />
          <Field label="Deadline">
            <input
              className="input"
              type="datetime-local"
              value={deadline}
              onChange={(e) => setDeadline(e.target.value)}
            />
          </Field>
          <Field label="Project">
            <input
              className="input"
              value={project}
              onChange={(e) => setProject(e.target.value)}
              placeholder="Optional"
            />
          </Field>
        </div>
        {create.isError && <ProblemAlert error={create.error} />}
      </form>
    </Dialog>
  );
}
