import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Rocket, Sparkles, Target } from 'lucide-react';
import { useId, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isCeo, useSession } from '../../app/session';
import { EmptyState } from '../../components/EmptyState';
import { SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { agentName } from '../../services/agents';
import { fetchMissionSuggestion, type MissionSuggestion } from '../../services/missions';
import { createTask, fetchTasks, taskKeys, type TaskPriority } from '../../services/tasks';
import {
  Assignee,
  StatusBadge,
  SubtaskBar,
  useAgentDirectory,
  PriorityField,
} from '../tasks/parts';
import { Field, TextAreaField } from '../../components/Field';

const ONLY_CEO = 'Only the CEO launches missions.';

/** Missions: work the CEO hands to one of its direct reports, who breaks it down for the team. */
export function MissionsPage() {
  usePageTitle('Missions');
  const session = useSession();
  const reason = isCeo(session) ? undefined : ONLY_CEO;
  return (
    <div className="page page--wide">
      <PageHeader
        title="Missions"
        description="Write what the company should achieve, hand it to one of your direct reports, and watch the team break it down."
      />
      <div className="mission-layout">
        <Launcher disabledReason={reason} />
        <MissionList />
      </div>
    </div>
  );
}

function Launcher({ disabledReason }: { disabledReason: string | undefined }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const { agents } = useAgentDirectory();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<TaskPriority>('normal');
  const [deadline, setDeadline] = useState('');
  const [assignee, setAssignee] = useState<number | null>(null);
  const [suggestion, setSuggestion] = useState<MissionSuggestion | null>(null);
  const candidatesId = useId();
  const noWords = title.trim() === '' && description.trim() === '';
  const directReports = agents.filter((a) => a.reportsToCeo && a.status !== 'archived');

  const suggest = useMutation({
    mutationFn: () => fetchMissionSuggestion(title.trim(), description.trim()),
    onSuccess: (answer) => {
      setSuggestion(answer);
      if (answer.suggestedAgentId !== null) setAssignee(answer.suggestedAgentId);
    },
  });
  const launch = useMutation({
    mutationFn: () =>
      createTask({
        title: title.trim(),
        description: description.trim(),
        assigneeAgentId: assignee,
        priority,
        deadlineAt: deadline ? new Date(deadline).toISOString() : null,
        project: null,
      }),
    onSuccess: (task) => {
      void queryClient.invalidateQueries({ queryKey: taskKeys.all });
      toast({ tone: 'ok', title: 'Mission launched', detail: task.title });
      void navigate(`/missions/${task.id}`);
    },
  });

  const why = (agentId: number) => suggestion?.candidates.find((c) => c.agentId === agentId);
  const ranked = suggestion
    ? [
        ...suggestion.candidates
          .map((c) => directReports.find((a) => a.id === c.agentId))
          .filter((a) => a !== undefined),
        ...directReports.filter((a) => !suggestion.candidates.some((c) => c.agentId === a.id)),
      ]
    : directReports;

  return (
    <section className="card" aria-labelledby="launch-title">
      <div className="card__body stack">
        <h2 id="launch-title" className="section-title">
          <Rocket size={16} aria-hidden="true" /> Launch a mission
        </h2>
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            launch.mutate();
          }}
        >
          <Field label="Title">
            <input
              className="input"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              placeholder="Launch the partner programme"
            />
          </Field>
          <TextAreaField
            label="Description"
            rows={4}
            value={description}
            onChange={setDescription}
            placeholder="The outcome, the constraints, how you will judge it."
          />
          <div className="form-grid">
            <PriorityField value={priority} onChange={setPriority} />
            <Field label="Deadline (optional)">
              <input
                className="input"
                type="datetime-local"
                value={deadline}
                onChange={(e) => setDeadline(e.target.value)}
              />
            </Field>
          </div>

          <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="field__label" id={candidatesId}>
              Who takes it
            </legend>
            <div className="row" style={{ flexWrap: 'wrap', marginBottom: 8 }}>
              <Tooltip text={noWords ? 'Write a title or a description first.' : undefined}>
                <button
                  type="button"
                  className="button button--small"
                  disabled={suggest.isPending || noWords}
                  onClick={() => suggest.mutate()}
                >
                  <Sparkles size={14} /> {suggest.isPending ? 'Asking…' : 'Suggest an agent'}
                </button>
              </Tooltip>
              <span className="muted small">
                The policy ranks your direct reports by how well they fit the mission.
              </span>
            </div>
            {suggest.isError && <ProblemAlert error={suggest.error} />}
            {suggestion && (
              <p className="muted small" role="status">
                {suggestion.reason}
              </p>
            )}
            {directReports.length === 0 ? (
              <p className="muted">Nobody reports to you yet: hire an agent in the org chart.</p>
            ) : (
              <ul className="candidates" aria-labelledby={candidatesId}>
                {ranked.map((agent) => {
                  const candidate = why(agent.id);
                  return (
                    <li key={agent.id}>
                      <label className="candidate">
                        <input
                          type="radio"
                          name="mission-assignee"
                          value={agent.id}
                          checked={assignee === agent.id}
                          onChange={() => setAssignee(agent.id)}
                        />
                        <span>
                          <span className="cell-title">{agentName(agent)}</span>
                          <span className="cell-sub">
                            {agent.profile.role} · {agent.profile.department}
                            {agent.status !== 'active' && ` · ${agent.status}`}
                          </span>
                          {candidate && <span className="cell-sub">{candidate.reason}</span>}
                        </span>
                        {candidate && (
                          <span className="muted small" title="Open tasks">
                            {candidate.openTasks} open
                          </span>
                        )}
                      </label>
                    </li>
                  );
                })}
              </ul>
            )}
          </fieldset>

          {launch.isError && <ProblemAlert error={launch.error} />}
          <div className="row">
            <Tooltip text={disabledReason}>
              <button
                type="submit"
                className="button button--primary"
                disabled={disabledReason !== undefined || launch.isPending}
              >
                <Rocket size={15} /> {launch.isPending ? 'Launching…' : 'Launch mission'}
              </button>
            </Tooltip>
          </div>
        </form>
      </div>
    </section>
  );
}

/** The top-level tasks handed to an agent: each is a mission, with its subtasks' progress. */
function MissionList() {
  const { byId } = useAgentDirectory();
  const tasks = useQuery({
    queryKey: taskKeys.list({}),
    queryFn: ({ signal }) => fetchTasks({}, signal),
  });
  const missions = (tasks.data ?? [])
    .filter((t) => t.parentTaskId == null && t.assigneeAgentId != null)
    .sort((a, b) => b.id - a.id);
  return (
    <section className="card" aria-labelledby="missions-title">
      <div className="card__body">
        <h2 id="missions-title" className="section-title">
          <Target size={16} aria-hidden="true" /> Missions
        </h2>
      </div>
      {tasks.isPending && <SkeletonRows rows={4} columns={3} />}
      {tasks.isError && (
        <div className="card__body">
          <ProblemAlert error={tasks.error} />
        </div>
      )}
      {tasks.data && missions.length === 0 && (
        <EmptyState icon={<Target size={22} />} title="No mission yet">
          Launch one: it goes to one of your direct reports, who delegates down the chart.
        </EmptyState>
      )}
      {missions.length > 0 && (
        <ul className="mission-list">
          {missions.map((m) => (
            <li key={m.id}>
              <div className="mission-list__row">
                <span className="stack" style={{ gap: 2, flex: '1 1 220px', minWidth: 0 }}>
                  <Link to={`/missions/${m.id}`} className="tree__title">
                    {m.title}
                  </Link>
                  <span className="cell-sub">
                    #{m.id} · launched <RelativeTime value={m.createdAt} intervalMs={30_000} />
                  </span>
                </span>
                <SubtaskBar task={m} />
                <StatusBadge status={m.status} />
                <Assignee
                  agent={m.assigneeAgentId == null ? undefined : byId.get(m.assigneeAgentId)}
                  id={m.assigneeAgentId}
                />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
