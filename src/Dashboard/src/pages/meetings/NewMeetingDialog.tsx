import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { FormDialog } from '../../components/FormDialog';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useToast } from '../../components/Toasts';
import { agentName } from '../../services/agents';
import { createMeeting, meetingKeys } from '../../services/meetings';
import { useAgentDirectory } from '../tasks/parts';
import { TextAreaField, TextField } from '../../components/Field';

export function NewMeetingDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const { agents } = useAgentDirectory();
  const [title, setTitle] = useState('');
  const [goal, setGoal] = useState('');
  const [agenda, setAgenda] = useState('');
  const [participants, setParticipants] = useState<number[]>([]);
  const [rounds, setRounds] = useState('');
  const [budget, setBudget] = useState('');
  const [autoDispatch, setAutoDispatch] = useState(false);

  const create = useMutation({
    mutationFn: () =>
      createMeeting({
        title: title.trim(),
        goal: goal.trim(),
        agenda: agenda
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line.length > 0),
        participantAgentIds: participants,
        maxRounds: rounds ? Number(rounds) : null,
        budget: budget ? Number(budget) : null,
        autoDispatch,
      }),
    onSuccess: (meeting) => {
      void queryClient.invalidateQueries({ queryKey: meetingKeys.all });
      toast({ tone: 'ok', title: 'Meeting created', detail: meeting.title });
      close();
      void navigate(`/meetings/${meeting.id}`);
    },
  });

  function close() {
    setTitle('');
    setGoal('');
    setAgenda('');
    setParticipants([]);
    setRounds('');
    setBudget('');
    setAutoDispatch(false);
    create.reset();
    onClose();
  }

  function toggle(id: number) {
    setParticipants((current) =>
      current.includes(id) ? current.filter((p) => p !== id) : [...current, id],
    );
  }

  return (
    <FormDialog
      open={open}
      onClose={close}
      title="New meeting"
      description="Gather agents around a goal. They speak in the order you pick them; the minutes end in calls to action."
      submitLabel="Create meeting"
      pendingLabel="Creating…"
      pending={create.isPending}
      onSubmit={() => create.mutate()}
    >
      <TextField label="Title" value={title} onChange={setTitle} autoFocus />
      <TextField label="Goal" value={goal} onChange={setGoal} />
      <TextAreaField
        label="Agenda"
        rows={3}
        value={agenda}
        placeholder="One item per line"
        onChange={setAgenda}
      />
      <fieldset className="field fieldset">
        <legend className="field__label">Participants, in speaking order</legend>
        <div className="check-grid">
          {agents
            .filter((a) => a.status !== 'archived')
            .map((a) => (
              <label key={a.id} className="check-label">
                <input
                  type="checkbox"
                  checked={participants.includes(a.id)}
                  onChange={() => toggle(a.id)}
                />{' '}
                {agentName(a)} · {a.profile.role}
                {participants.includes(a.id) && (
                  <span className="muted small"> #{participants.indexOf(a.id) + 1}</span>
                )}
              </label>
            ))}
        </div>
      </fieldset>
      <div className="form-grid">
        <TextField
          label="Rounds"
          type="number"
          min={1}
          max={50}
          value={rounds}
          placeholder="3"
          onChange={setRounds}
        />
        <TextField
          label="Budget (USD)"
          type="number"
          min={0}
          step="0.01"
          value={budget}
          placeholder="No limit"
          onChange={setBudget}
        />
      </div>
      <label className="check-label">
        <input
          type="checkbox"
          checked={autoDispatch}
          onChange={(e) => setAutoDispatch(e.target.checked)}
        />{' '}
        Dispatch the calls to action as soon as the minutes are written
      </label>
      {create.isError && <ProblemAlert error={create.error} />}
    </FormDialog>
  );
}
