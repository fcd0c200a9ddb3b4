import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CalendarClock, ChevronDown, ChevronRight, Pause, Play, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { isCeo, useSession } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { FormDialog } from '../../components/FormDialog';
import { EmptyState } from '../../components/EmptyState';
import { LoadingBlock, SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDateTime, RelativeTime } from '../../components/RelativeTime';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { agentName } from '../../services/agents';
import {
  createSchedule,
  deleteSchedule,
  describeTiming,
  fetchScheduleRuns,
  fetchSchedules,
  pauseSchedule,
  resumeSchedule,
  scheduleKeys,
  type Schedule,
} from '../../services/schedules';
import { type TaskPriority } from '../../services/tasks';
import { Assignee, StatusBadge, useAgentDirectory, PriorityField } from '../tasks/parts';
import { Field, TextAreaField, TextField } from '../../components/Field';

const ONLY_CEO = 'Only the CEO plans recurring work.';

export function SchedulesPage() {
  usePageTitle('Schedules');
  const session = useSession();
  const schedules = useQuery({
    queryKey: scheduleKeys.list(),
    queryFn: ({ signal }) => fetchSchedules(signal),
  });
  const [creating, setCreating] = useState(false);
  const reason = isCeo(session) ? undefined : ONLY_CEO;
  return (
    <div className="page">
      <PageHeader
        title="Schedules"
        description="Recurring work: each firing creates a task for the agent, on an interval or a cron timetable."
        actions={
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--primary"
              disabled={reason !== undefined}
              onClick={() => setCreating(true)}
            >
              <Plus size={16} /> New schedule
            </button>
          </Tooltip>
        }
      />
      <section className="card">
        {schedules.isPending && <SkeletonRows rows={3} columns={5} />}
        {schedules.isError && (
          <div className="card__body">
            <ProblemAlert error={schedules.error} />
          </div>
        )}
        {schedules.data?.length === 0 && (
          <EmptyState icon={<CalendarClock size={22} />} title="No recurring work yet">
            A weekly report, a daily check: plan it once and an agent gets the task every time.
          </EmptyState>
        )}
        {schedules.data && schedules.data.length > 0 && (
          <ul className="inbox">
            {schedules.data.map((schedule) => (
              <ScheduleItem key={schedule.id} schedule={schedule} canEdit={reason === undefined} />
            ))}
          </ul>
        )}
      </section>
      <NewScheduleDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}

function ScheduleItem({ schedule, canEdit }: { schedule: Schedule; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { byId } = useAgentDirectory();
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const paused = schedule.status !== 'active';
  const change = useMutation({
    mutationFn: async (action: 'pause' | 'resume' | 'delete'): Promise<void> => {
      await (action === 'pause'
        ? pauseSchedule(schedule)
        : action === 'resume'
          ? resumeSchedule(schedule)
          : deleteSchedule(schedule));
    },
    onSuccess: (_, action) => {
      setConfirm(false);
      toast({
        tone: 'ok',
        title:
          action === 'delete'
            ? 'Schedule deleted'
            : action === 'pause'
              ? 'Schedule paused'
              : 'Schedule resumed',
        detail: schedule.name,
      });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: scheduleKeys.all }),
  });
  const reason = canEdit ? undefined : ONLY_CEO;
  return (
    <li className="inbox__item" style={{ display: 'grid' }}>
      <div className="row" style={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <button
          type="button"
          className="button button--ghost button--icon button--small"
          aria-expanded={open}
          aria-label={open ? 'Hide the runs' : 'Show the runs'}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <ChevronDown size={16} /> : <ChevronRight size={16} />}
        </button>
        <div className="inbox__main">
          <div className="row" style={{ flexWrap: 'wrap' }}>
            <span className="cell-title">{schedule.name}</span>
            <span className={paused ? 'badge badge--warn' : 'badge badge--ok'}>
              {paused ? 'Paused' : 'Active'}
            </span>
          </div>
          <span className="cell-sub">
            {describeTiming(schedule.timing)} · creates “{schedule.template.title}” ·{' '}
            {schedule.runCount} {schedule.runCount === 1 ? 'run' : 'runs'}
          </span>
          <span className="cell-sub">
            {schedule.nextRunAt && !paused ? (
              <>
                Next <RelativeTime value={schedule.nextRunAt} intervalMs={15_000} /> (
                {formatDateTime(schedule.nextRunAt)})
              </>
            ) : (
              'Does not fire while paused'
            )}
            {schedule.lastRunAt && (
              <>
                {' · last '}
                <RelativeTime value={schedule.lastRunAt} intervalMs={15_000} />
              </>
            )}
          </span>
        </div>
        <div className="inbox__side">
          <Assignee agent={byId.get(schedule.agentId)} id={schedule.agentId} />
          <div className="row">
            <Tooltip text={reason}>
              <button
                type="button"
                className="button button--small"
                disabled={reason !== undefined || change.isPending}
                onClick={() => change.mutate(paused ? 'resume' : 'pause')}
              >
                {paused ? <Play size={14} /> : <Pause size={14} />}
                {paused ? 'Resume' : 'Pause'}
              </button>
            </Tooltip>
            <Tooltip text={reason}>
              <button
                type="button"
                className="button button--ghost button--small danger-text"
                disabled={reason !== undefined}
                onClick={() => setConfirm(true)}
                aria-label={`Delete ${schedule.name}`}
              >
                <Trash2 size={14} />
              </button>
            </Tooltip>
          </div>
        </div>
      </div>
      {change.isError && !confirm && <ProblemAlert error={change.error} />}
      {open && <Runs id={schedule.id} />}
      <Dialog
        open={confirm}
        onClose={() => setConfirm(false)}
        title={`Delete “${schedule.name}”?`}
        description="It stops firing and its run history goes; the tasks it created stay."
        footer={
          <>
            <button type="button" className="button" onClick={() => setConfirm(false)}>
              Keep it
            </button>
            <button
              type="button"
              className="button button--danger"
              disabled={change.isPending}
              onClick={() => change.mutate('delete')}
            >
              Delete schedule
            </button>
          </>
        }
      >
        {change.isError && <ProblemAlert error={change.error} />}
      </Dialog>
    </li>
  );
}

function Runs({ id }: { id: number }) {
  const runs = useQuery({
    queryKey: scheduleKeys.runs(id),
    queryFn: ({ signal }) => fetchScheduleRuns(id, signal),
  });
  if (runs.isPending) return <LoadingBlock label="Loading the runs…" />;
  if (runs.isError) return <ProblemAlert error={runs.error} />;
  if (runs.data.length === 0) return <p className="muted small runs">It has not fired yet.</p>;
  return (
    <ul className="mini-list runs">
      {runs.data.map((run) => (
        <li key={run.id}>
          <span>
            <RelativeTime value={run.firedAt} intervalMs={30_000} /> · {run.outcome}
            {run.reason && <span className="muted"> ({run.reason})</span>}
          </span>
          {run.taskId !== null && (
            <span className="row">
              {run.taskStatus && <StatusBadge status={run.taskStatus} />}
              <Link to={`/tasks/${run.taskId}`}>task #{run.taskId}</Link>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

function NewScheduleDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { agents } = useAgentDirectory();
  const [name, setName] = useState('');
  const [agentId, setAgentId] = useState<number | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<TaskPriority>('normal');
  const [mode, setMode] = useState<'interval' | 'cron'>('interval');
  const [interval, setIntervalMinutes] = useState('1440');
  const [cron, setCron] = useState('0 9 * * 1-5');
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const create = useMutation({
    mutationFn: () =>
      createSchedule({
        name: name.trim(),
        agentId,
        template: { title: title.trim(), description: description.trim(), priority },
        timing:
          mode === 'interval'
            ? { intervalMinutes: Number(interval), timeZone }
            : { cron: cron.trim(), timeZone },
      }),
    onSuccess: (schedule) => {
      toast({ tone: 'ok', title: 'Schedule created', detail: describeTiming(schedule.timing) });
      void queryClient.invalidateQueries({ queryKey: scheduleKeys.all });
      create.reset();
      onClose();
    },
  });
  return (
    <FormDialog
      open={open}
      onClose={() => {
        create.reset();
        onClose();
      }}
      title="New schedule"
      description="Each firing creates this task for the agent."
      submitLabel="Create schedule"
      pending={create.isPending}
      onSubmit={() => create.mutate()}
    >
      <div className="form-grid">
        <TextField
          label="Name"
          value={name}
          onChange={setName}
          placeholder="Weekly pipeline review"
          autoFocus
        />
        <Field label="Agent">
          <select
            className="select"
            value={agentId ?? ''}
            onChange={(e) => setAgentId(e.target.value === '' ? null : Number(e.target.value))}
          >
            <option value="">Choose an agent</option>
            {agents
              .filter((a) => a.status !== 'archived')
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {agentName(a)} · {a.profile.role}
                </option>
              ))}
          </select>
        </Field>
      </div>
      <TextField label="Task title" value={title} onChange={setTitle} />
      <TextAreaField
        label="What needs doing"
        rows={2}
        value={description}
        onChange={setDescription}
      />
      <div className="form-grid">
        <PriorityField value={priority} onChange={setPriority} />
        <Field label="Timing">
          <select
            className="select"
            value={mode}
            onChange={(e) => setMode(e.target.value as 'interval' | 'cron')}
          >
            <option value="interval">Every so many minutes</option>
            <option value="cron">Cron timetable</option>
          </select>
        </Field>
      </div>
      {mode === 'interval' ? (
        <TextField
          label="Every (minutes)"
          inputMode="numeric"
          value={interval}
          onChange={setIntervalMinutes}
        />
      ) : (
        <Field label="Cron expression">
          <input className="input mono" value={cron} onChange={(e) => setCron(e.target.value)} />
          <span className="field__hint">In your time zone, {timeZone}.</span>
        </Field>
      )}
      {create.isError && <ProblemAlert error={create.error} />}
    </FormDialog>
  );
}
