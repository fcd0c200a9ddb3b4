import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, Coins, Cpu, FileText, Link2, Timer } from 'lucide-react';
import { useId, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { isCeo, useSession } from '../../app/session';
import { LoadingBlock } from '../../components/Loading';
import { ItemNotFoundPage, ProblemPage } from '../../components/PageFallbacks';
import { ProblemAlert, InfoAlert } from '../../components/ProblemAlert';
import { formatDateTime, RelativeTime } from '../../components/RelativeTime';
import { useNow } from '../../hooks/useNow';
import { usePageTitle } from '../../hooks/usePageTitle';
import { agentName } from '../../services/agents';
import { ApiError } from '../../services/http';
import {
  addComment,
  allows,
  artifactUrl,
  fetchArtifacts,
  fetchComments,
  fetchSubtasks,
  fetchTask,
  fetchTimeline,
  fetchRun,
  fetchWorklog,
  taskKeys,
  type TaskRun,
  type Task,
  type TaskNode,
} from '../../services/tasks';
import {
  Assignee,
  formatDuration,
  formatTokens,
  PriorityLabel,
  StatusBadge,
  SubtaskBar,
  useActorName,
  useAgentDirectory,
} from './parts';
import { Calls } from './Calls';
import { TaskControls } from './TaskControls';
import { describeRun } from './run';
import { describeTaskEvent } from './timeline';
import { TextAreaField } from '../../components/Field';

type Tab = 'timeline' | 'subtasks' | 'worklog' | 'artifacts' | 'comments' | 'calls';

const tabs: { id: Tab; label: string }[] = [
  { id: 'timeline', label: 'Timeline' },
  { id: 'subtasks', label: 'Subtasks' },
  { id: 'worklog', label: 'Worklog' },
  { id: 'artifacts', label: 'Artifacts' },
  { id: 'comments', label: 'Comments' },
  { id: 'calls', label: 'Tool & model calls' },
];

export function TaskDetailPage() {
  const id = Number(useParams().taskId);
  const task = useQuery({
    queryKey: taskKeys.detail(id),
    queryFn: ({ signal }) => fetchTask(id, signal),
    enabled: Number.isInteger(id) && id > 0,
  });
  usePageTitle(task.data?.title ?? 'Task');
  const [tab, setTab] = useState<Tab>('timeline');
  const tabsId = useId();

  if (
    !Number.isInteger(id) ||
    id <= 0 ||
    (task.error instanceof ApiError && task.error.status === 404)
  ) {
    return (
      <ItemNotFoundPage
        icon={<FileText size={22} />}
        title="No such task"
        backTo="/tasks"
        backLabel="Back to tasks"
      />
    );
  }
  if (task.isPending) return <LoadingBlock label="Loading the task…" />;
  if (task.isError) return <ProblemPage error={task.error} />;
  const t = task.data;

  return (
    <div className="page page--wide">
      <div className="stack" style={{ gap: 10 }}>
        <Link to="/tasks" className="back-link">
          <ArrowLeft size={15} aria-hidden="true" /> Tasks
        </Link>
        <div className="task-head">
          <div>
            <h1 className="task-head__title">{t.title}</h1>
            <div className="row" style={{ flexWrap: 'wrap', marginTop: 8 }}>
              <StatusBadge status={t.status} />
              <PriorityLabel priority={t.priority} />
              <span className="muted small">#{t.id}</span>
              {t.project && <span className="muted small">· {t.project}</span>}
              {t.parentTaskId && <ParentLink id={t.parentTaskId} />}
            </div>
          </div>
        </div>
      </div>

      <div className="task-layout">
        <div className="stack">
          <Progress task={t} />
          {t.statusReason &&
            (t.status === 'failed' ||
              t.status === 'blocked' ||
              t.status === 'cancelled' ||
              t.status === 'awaiting_approval') && (
              <InfoAlert
                title={
                  t.status === 'failed'
                    ? 'Why it failed'
                    : t.status === 'blocked'
                      ? 'Why it is blocked'
                      : 'Reason'
                }
              >
                {t.statusReason}
              </InfoAlert>
            )}
          {t.description && (
            <section className="card card--padded">
              <h2 className="section-title">Brief</h2>
              <p className="prose">{t.description}</p>
            </section>
          )}
          {t.result && (
            <section className="card card--padded">
              <h2 className="section-title">Result</h2>
              <p className="prose">{t.result}</p>
            </section>
          )}
          <section className="card">
            <div className="tabs" role="tablist" aria-label="Task records">
              {tabs.map((item) => (
                <button
                  key={item.id}
                  type="button"
                  role="tab"
                  id={`${tabsId}-${item.id}`}
                  aria-selected={tab === item.id}
                  aria-controls={`${tabsId}-panel`}
                  tabIndex={tab === item.id ? 0 : -1}
                  onClick={() => setTab(item.id)}
                  onKeyDown={(event) => {
                    const index = tabs.findIndex((x) => x.id === tab);
                    const step =
                      event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
                    if (step === 0) return;
                    const next = tabs[(index + step + tabs.length) % tabs.length];
                    if (next) {
                      setTab(next.id);
                      document.getElementById(`${tabsId}-${next.id}`)?.focus();
                    }
                  }}
                >
                  {item.label}
                  {item.id === 'subtasks' && t.subtasks.total > 0 && (
                    <span className="tab-count">{t.subtasks.total}</span>
                  )}
                </button>
              ))}
            </div>
            <div
              role="tabpanel"
              id={`${tabsId}-panel`}
              aria-labelledby={`${tabsId}-${tab}`}
              className="card__body"
            >
              {tab === 'timeline' && <Timeline taskId={t.id} />}
              {tab === 'subtasks' && <Subtasks taskId={t.id} />}
              {tab === 'worklog' && <Worklog taskId={t.id} />}
              {tab === 'artifacts' && <Artifacts taskId={t.id} />}
              {tab === 'comments' && <Comments task={t} />}
              {tab === 'calls' && <Calls taskId={t.id} />}
            </div>
          </section>
        </div>
        <aside className="stack" aria-label="Details and controls">
          <TaskControls task={t} />
          <Details task={t} />
        </aside>
      </div>
    </div>
  );
}

function ParentLink({ id }: { id: number }) {
  const parent = useQuery({
    queryKey: taskKeys.detail(id),
    queryFn: ({ signal }) => fetchTask(id, signal),
  });
  return (
    <Link className="small parent-link" to={`/tasks/${id}`}>
      ↳ part of “{parent.data?.title ?? `task #${id}`}”
    </Link>
  );
}

function Progress({ task }: { task: Task }) {
  const now = useNow(1000);
  const run = useQuery({
    queryKey: taskKeys.run(task.id),
    queryFn: ({ signal }) => fetchRun(task.id, signal),
  });
  const running = task.status === 'running';
  const elapsed =
    running && task.startedAt
      ? now.getTime() - new Date(task.startedAt).getTime()
      : task.durationMs;
  return (
    <section
      className={
        running
          ? 'card card--padded progress-card progress-card--running'
          : 'card card--padded progress-card'
      }
      aria-label="Progress"
    >
      <div className="progress-card__stats">
        <Stat
          icon={<Timer size={15} />}
          label={running ? 'Running for' : 'Time spent'}
          value={formatDuration(elapsed)}
        />
        <Stat icon={<Cpu size={15} />} label="Tokens" value={formatTokens(task.tokensUsed)} />
        <Stat
          icon={<Coins size={15} />}
          label="Cost estimate"
          value={task.costEstimate.toLocaleString(undefined, { maximumFractionDigits: 2 })}
        />
        <Stat
          icon={<RotateIcon />}
          label="Attempt"
          value={`${Math.max(task.attemptCount, running ? 1 : 0)} of ${task.maxAttempts}`}
        />
      </div>
      {running && (
        <span
          className="progress progress--indeterminate"
          role="progressbar"
          aria-label="The agent is working"
        />
      )}
      {run.data && <RunLine run={run.data} />}
      {task.subtasks.total > 0 && (
        <div className="row small">
          <span className="muted">Subtasks</span>
          <SubtaskBar task={task} />
          <span className="muted">
            {task.subtasks.running} running · {task.subtasks.failed} failed · {task.subtasks.queued}{' '}
            queued
          </span>
        </div>
      )}
    </section>
  );
}

function RunLine({ run }: { run: TaskRun }) {
  const detail =
    run.status === 'waiting' ? run.waitingFor : run.status === 'stopped' ? run.stopReason : null;
  return (
    <p className="run-line small">
      <span
        className={
          run.status === 'calling'
            ? 'dot dot--info dot--pulse'
            : run.status === 'waiting'
              ? 'dot dot--warn'
              : 'dot'
        }
        aria-hidden="true"
      />
      <span>
        Agent loop · step {run.step} of attempt {run.attempt} · {describeRun(run)}
        {detail ? `: ${detail}` : ''}
      </span>
      <span className="muted mono">{run.model}</span>
    </p>
  );
}

function RotateIcon() {
  return <span aria-hidden="true">↻</span>;
}

function Stat({ icon, label, value }: { icon: ReactNode; label: string; value: string }) {
  return (
    <div className="mini-stat">
      <span className="mini-stat__label">
        {icon}
        {label}
      </span>
      <span className="mini-stat__value">{value}</span>
    </div>
  );
}

function Details({ task }: { task: Task }) {
  const actor = useActorName();
  return (
    <section className="card card--padded" aria-label="Details">
      <dl className="facts facts--single">
        <div>
          <dt>Deadline</dt>
          <dd>
            {task.deadlineAt ? (
              formatDateTime(task.deadlineAt)
            ) : (
              <span className="muted">None</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Created by</dt>
          <dd className="capitalize-first">
            {actor(task.createdBy)} · <RelativeTime value={task.createdAt} intervalMs={30_000} />
          </dd>
        </div>
        <div>
          <dt>Last change</dt>
          <dd>
            <RelativeTime value={task.updatedAt} intervalMs={5_000} />
          </dd>
        </div>
        <div>
          <dt>If a subtask fails</dt>
          <dd className="capitalize">{task.failurePolicy.replace(/_/g, ' ')}</dd>
        </div>
      </dl>
    </section>
  );
}

function Timeline({ taskId }: { taskId: number }) {
  const timeline = useQuery({
    queryKey: taskKeys.timeline(taskId),
    queryFn: ({ signal }) => fetchTimeline(taskId, signal),
  });
  const actor = useActorName();
  const { byId } = useAgentDirectory();
  const agent = (id: number) => {
    const a = byId.get(id);
    return a ? agentName(a) : `agent ${id}`;
  };
  if (timeline.isPending) return <LoadingBlock label="Loading the timeline…" />;
  if (timeline.isError) return <ProblemAlert error={timeline.error} />;
  const events = [...timeline.data.events].reverse();
  if (events.length === 0) return <p className="muted">Nothing has happened yet.</p>;
  return (
    <ol className="timeline" aria-live="polite">
      {events.map((event) => {
        const entry = describeTaskEvent(event, actor, agent);
        return (
          <li key={event.position} className={`timeline__item timeline__item--${entry.tone}`}>
            <span className="timeline__dot" aria-hidden="true" />
            <div className="timeline__body">
              <p>
                {entry.sentence}
                <span className="muted small">
                  {' · '}
                  <RelativeTime value={event.at} intervalMs={15_000} />
                </span>
              </p>
              {entry.quote && <blockquote className="timeline__quote">{entry.quote}</blockquote>}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

function Subtasks({ taskId }: { taskId: number }) {
  const subtasks = useQuery({
    queryKey: taskKeys.subtasks(taskId),
    queryFn: ({ signal }) => fetchSubtasks(taskId, signal),
  });
  const { byId } = useAgentDirectory();
  if (subtasks.isPending) return <LoadingBlock label="Loading the subtasks…" />;
  if (subtasks.isError) return <ProblemAlert error={subtasks.error} />;
  if (subtasks.data.length === 0)
    return <p className="muted">No subtasks: the assignee has not delegated any part of it.</p>;
  const render = (nodes: TaskNode[]): ReactNode => (
    <ul className="tree">
      {nodes.map(({ task, subtasks: children }) => (
        <li key={task.id}>
          <div className="tree__row">
            <Link to={`/tasks/${task.id}`} className="tree__title">
              {task.title}
            </Link>
            <StatusBadge status={task.status} />
            <Assignee
              agent={task.assigneeAgentId == null ? undefined : byId.get(task.assigneeAgentId)}
              id={task.assigneeAgentId}
            />
          </div>
          {children.length > 0 && render(children)}
        </li>
      ))}
    </ul>
  );
  return <>{render(subtasks.data)}</>;
}

function Worklog({ taskId }: { taskId: number }) {
  const worklog = useQuery({
    queryKey: taskKeys.worklog(taskId),
    queryFn: ({ signal }) => fetchWorklog(taskId, signal),
  });
  const { byId } = useAgentDirectory();
  if (worklog.isPending) return <LoadingBlock label="Loading the worklog…" />;
  if (worklog.isError) return <ProblemAlert error={worklog.error} />;
  if (worklog.data.length === 0)
    return <p className="muted">No notes yet. Agents write here as they work.</p>;
  return (
    <ol className="notes">
      {worklog.data.map((entry) => (
        <li key={entry.id} className="note">
          <div className="note__head">
            <Assignee
              agent={entry.agentId == null ? undefined : byId.get(entry.agentId)}
              id={entry.agentId}
            />
            <span className="muted small">
              <RelativeTime value={entry.createdAt} intervalMs={30_000} /> · visible to{' '}
              {entry.visibility}
            </span>
          </div>
          <p className="prose">{entry.body}</p>
        </li>
      ))}
    </ol>
  );
}

function Artifacts({ taskId }: { taskId: number }) {
  const artifacts = useQuery({
    queryKey: taskKeys.artifacts(taskId),
    queryFn: ({ signal }) => fetchArtifacts(taskId, signal),
  });
  if (artifacts.isPending) return <LoadingBlock label="Loading the artifacts…" />;
  if (artifacts.isError) return <ProblemAlert error={artifacts.error} />;
  if (artifacts.data.length === 0)
    return (
      <p className="muted">
        No artifacts yet: files, specs and links the agents produce appear here.
      </p>
    );
  return (
    <ul className="mini-list">
      {artifacts.data.map((artifact) => (
        <li key={artifact.id}>
          <a
            href={
              artifact.kind === 'link' && artifact.url
                ? artifact.url
                : artifactUrl(taskId, artifact.id)
            }
            target="_blank"
            rel="noreferrer"
          >
            {artifact.kind === 'link' ? (
              <Link2 size={14} aria-hidden="true" />
            ) : (
              <FileText size={14} aria-hidden="true" />
            )}{' '}
            {artifact.name}
          </a>
          <span className="muted small">
            {artifact.kind}
            {artifact.size != null &&
              ` · ${Math.max(1, Math.round(artifact.size / 1024))} KB`} ·{' '}
            <RelativeTime value={artifact.createdAt} intervalMs={60_000} />
          </span>
        </li>
      ))}
    </ul>
  );
}

function Comments({ task }: { task: Task }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const actor = useActorName();
  const [body, setBody] = useState('');
  const comments = useQuery({
    queryKey: taskKeys.comments(task.id),
    queryFn: ({ signal }) => fetchComments(task.id, signal),
  });
  const post = useMutation({
    mutationFn: () => addComment(task.id, body.trim()),
    onSuccess: () => {
      setBody('');
      void queryClient.invalidateQueries({ queryKey: taskKeys.comments(task.id) });
    },
  });
  const canComment = isCeo(session) && allows(task, 'comment');
  return (
    <div className="stack">
      {comments.isPending && <LoadingBlock label="Loading the comments…" />}
      {comments.isError && <ProblemAlert error={comments.error} />}
      {comments.data?.length === 0 && <p className="muted">No comments yet.</p>}
      {comments.data && comments.data.length > 0 && (
        <ol className="notes">
          {comments.data.map((comment) => (
            <li key={comment.id} className="note">
              <div className="note__head">
                <strong className="capitalize-first">{actor(comment.author)}</strong>
                <span className="muted small">
                  <RelativeTime value={comment.createdAt} intervalMs={30_000} />
                </span>
              </div>
              <p className="prose">{comment.body}</p>
            </li>
          ))}
        </ol>
      )}
      {canComment && (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            post.mutate();
          }}
        >
          <TextAreaField label="Add a comment" rows={2} value={body} onChange={setBody} />
          {post.isError && <ProblemAlert error={post.error} />}
          <div className="form__actions">
            <button
              type="submit"
              className="button button--primary button--small"
              disabled={post.isPending || body.trim() === ''}
            >
              Comment
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
