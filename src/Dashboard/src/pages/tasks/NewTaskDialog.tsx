import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { FormDialog } from '../../components/FormDialog';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useToast } from '../../components/Toasts';
import { agentName } from '../../services/agents';
import { createTask, taskKeys, type TaskPriority } from '../../services/tasks';
import { useAgentDirectory, PriorityField } from './parts';
import { Field, TextAreaField, TextField } from '../../components/Field';

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
    <FormDialog
      open={open}
      onClose={close}
      title="New task"
      description="Hand work to an agent. It starts when the agent picks it up."
      submitLabel="Create task"
      pendingLabel="Creating…"
      pending={create.isPending}
      onSubmit={() => create.mutate()}
    >
      <TextField label="Title" value={title} onChange={setTitle} autoFocus />
      <TextAreaField
        label="What needs doing"
        rows={3}
        value={description}
        onChange={setDescription}
      />
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
        <TextField label="Deadline" type="datetime-local" value={deadline} onChange={setDeadline} />
        <TextField label="Project" value={project} onChange={setProject} placeholder="Optional" />
      </div>
      {create.isError && <ProblemAlert error={create.error} />}
    </FormDialog>
  );
}
