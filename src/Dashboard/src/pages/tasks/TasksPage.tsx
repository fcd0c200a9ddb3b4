import { useQuery } from '@tanstack/react-query';
import { CalendarClock, KanbanSquare, Plus, Rows3, Search } from 'lucide-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { isCeo, useSession } from '../../app/session';
import { EmptyState } from '../../components/EmptyState';
import { SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDateTime, RelativeTime } from '../../components/RelativeTime';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { useNow } from '../../hooks/useNow';
import { agentName } from '../../services/agents';
import {
  fetchTasks,
  priorities,
  stateLabels,
  taskKeys,
  taskStates,
  type Task,
  type TaskFilters,
  type TaskPriority,
  type TaskState,
} from '../../services/tasks';
import { NewTaskDialog } from './NewTaskDialog';
import {
  Assignee,
  PriorityLabel,
  StatusBadge,
  SubtaskBar,
  useAgentDirectory,
  PriorityOptions,
} from './parts';

const boardColumns: TaskState[] = [
  'queued',
  'running',
  'paused',
  'blocked',
  'awaiting_approval',
  'failed',
  'done',
];
const priorityRank: Record<TaskPriority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

function filtersFrom(params: URLSearchParams): TaskFilters {
  const filters: TaskFilters = {};
  const status = params.get('status');
  if (status && (taskStates as string[]).includes(status)) filters.status = status as TaskState;
  const assignee = Number(params.get('assignee'));
  if (assignee > 0) filters.assignee = assignee;
  const priority = params.get('priority');
  if (priority && (priorities as string[]).includes(priority))
    filters.priority = priority as TaskPriority;
  const project = params.get('project');
  if (project) filters.project = project;
  const q = params.get('q');
  if (q) filters.q = q;
  return filters;
}

export function TasksPage() {
  usePageTitle('Tasks');
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'table' ? 'table' : 'board';
  const filters = useMemo(() => filtersFrom(params), [params]);
  const [creating, setCreating] = useState(false);
  const [searchText, setSearchText] = useState(filters.q ?? '');
  const { agents, byId } = useAgentDirectory();
  const tasks = useQuery({
    queryKey: taskKeys.list(filters),
    queryFn: ({ signal }) => fetchTasks(filters, signal),
  });
  const allTasks = useQuery({
    queryKey: taskKeys.list({}),
    queryFn: ({ signal }) => fetchTasks({}, signal),
  });
  const projects = useMemo(
    () =>
      [
        ...new Set((allTasks.data ?? []).map((t) => t.project).filter((p): p is string => !!p)),
      ].sort(),
    [allTasks.data],
  );

  // React Router hands an updater the parameters of the last render, and renders a navigation later,
  // in a transition: a second change made before that render (the table view, then a filter at once)
  // would undo the first. Each change starts from the newest parameters, the router's or the last one
  // set here, whichever came later.
  const latest = useRef(params);
  useEffect(() => {
    latest.current = params;
  }, [params]);
  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(latest.current);
    if (value) next.set(key, value);
    else next.delete(key);
    latest.current = next;
    setParams(next, { replace: true });
  };

  const filtered = Object.keys(filters).length > 0;

  return (
    <div className="page page--wide">
      <PageHeader
        title="Tasks"
        description="Every piece of work in the company, from missions you handed out to the subtasks agents delegate."
        actions={
          <>
            <div className="segmented-inline" role="group" aria-label="View">
              <button
                type="button"
                aria-pressed={view === 'board'}
                onClick={() => setParam('view', null)}
              >
                <KanbanSquare size={15} aria-hidden="true" /> Board
              </button>
              <button
                type="button"
                aria-pressed={view === 'table'}
                onClick={() => setParam('view', 'table')}
              >
                <Rows3 size={15} aria-hidden="true" /> Table
              </button>
            </div>
            <Tooltip text={isCeo(session) ? undefined : 'Only the CEO hands out work.'}>
              <button
                type="button"
                className="button button--primary"
                disabled={!isCeo(session)}
                onClick={() => setCreating(true)}
              >
                <Plus size={16} /> New task
              </button>
            </Tooltip>
          </>
        }
      />

      <div className="filters" role="search" aria-label="Filter tasks">
        <form
          className="search"
          onSubmit={(event) => {
            event.preventDefault();
            setParam('q', searchText.trim() || null);
          }}
        >
          <Search size={15} aria-hidden="true" />
          <input
            type="search"
            aria-label="Search tasks"
            placeholder="Search titles and descriptions"
            value={searchText}
            onChange={(event) => {
              setSearchText(event.target.value);
              if (event.target.value === '') setParam('q', null);
            }}
          />
        </form>
        {view === 'table' && (
          <select
            className="select select--filter"
            aria-label="Status"
            value={filters.status ?? ''}
            onChange={(e) => setParam('status', e.target.value || null)}
          >
            <option value="">Any status</option>
            {taskStates.map((s) => (
              <option key={s} value={s}>
                {stateLabels[s]}
              </option>
            ))}
          </select>
        )}
        <select
          className="select select--filter"
          aria-label="Assignee"
          value={filters.assignee ?? ''}
          onChange={(e) => setParam('assignee', e.target.value || null)}
        >
          <option value="">Anyone</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {agentName(a)}
            </option>
          ))}
        </select>
        <select
          className="select select--filter"
          aria-label="Priority"
          value={filters.priority ?? ''}
          onChange={(e) => setParam('priority', e.target.value || null)}
        >
          <option value="">Any priority</option>
          <PriorityOptions />
        </select>
        <select
          className="select select--filter"
          aria-label="Project"
          value={filters.project ?? ''}
          onChange={(e) => setParam('project', e.target.value || null)}
        >
          <option value="">All projects</option>
          {projects.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        {filtered && (
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => {
              setSearchText('');
              const next = new URLSearchParams(view === 'table' ? { view: 'table' } : {});
              latest.current = next;
              setParams(next, { replace: true });
            }}
          >
            Clear filters
          </button>
        )}
      </div>

      {tasks.isPending && (
        <div className="card">
          <SkeletonRows rows={5} columns={5} />
        </div>
      )}
      {tasks.isError && (
        <ProblemAlert
          error={tasks.error}
          action={
            <button
              type="button"
              className="button button--small"
              onClick={() => void tasks.refetch()}
            >
              Try again
            </button>
          }
        />
      )}
      {tasks.data && tasks.data.length === 0 && (
        <div className="card">
          <EmptyState
            icon={<KanbanSquare size={22} />}
            title={filtered ? 'No task matches' : 'No work yet'}
          >
            {filtered
              ? 'Nothing matches these filters. Clear them to see every task.'
              : 'Create a task and give it to an agent: it shows here and moves across the board as the agent works.'}
          </EmptyState>
        </div>
      )}
      {tasks.data && tasks.data.length > 0 && view === 'board' && (
        <Board tasks={tasks.data} byId={byId} />
      )}
      {tasks.data && tasks.data.length > 0 && view === 'table' && (
        <Table tasks={tasks.data} byId={byId} />
      )}
      <NewTaskDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}

type Directory = ReturnType<typeof useAgentDirectory>['byId'];

function sortForBoard(a: Task, b: Task): number {
  return (
    priorityRank[a.priority] - priorityRank[b.priority] || b.updatedAt.localeCompare(a.updatedAt)
  );
}

function Board({ tasks, byId }: { tasks: Task[]; byId: Directory }) {
  const titles = new Map(tasks.map((t) => [t.id, t.title]));
  const cancelled = tasks.filter((t) => t.status === 'cancelled').length;
  return (
    <>
      <div className="board" aria-label="Tasks by status">
        {boardColumns.map((status) => {
          const column = tasks.filter((t) => t.status === status).sort(sortForBoard);
          return (
            <section key={status} className="board__column" aria-labelledby={`col-${status}`}>
              <header className="board__header">
                <StatusBadge status={status} />
                <span className="muted small" id={`col-${status}`}>
                  <span className="visually-hidden">{stateLabels[status]}: </span>
                  {column.length}
                </span>
              </header>
              <div className="board__cards">
                {column.length === 0 && <p className="board__empty">Nothing here</p>}
                {column.map((task) => (
                  <TaskCard
                    key={task.id}
                    task={task}
                    byId={byId}
                    parentTitle={task.parentTaskId ? titles.get(task.parentTaskId) : undefined}
                  />
                ))}
              </div>
            </section>
          );
        })}
      </div>
      {cancelled > 0 && (
        <p className="muted small">
          {cancelled} cancelled tasks are hidden from the board; the table shows them.
        </p>
      )}
    </>
  );
}

function TaskCard({
  task,
  byId,
  parentTitle,
}: {
  task: Task;
  byId: Directory;
  parentTitle: string | undefined;
}) {
  const now = useNow(30_000);
  const late =
    task.deadlineAt &&
    new Date(task.deadlineAt) < now &&
    task.status !== 'done' &&
    task.status !== 'cancelled';
  return (
    <Link to={`/tasks/${task.id}`} className={`task-card task-card--${task.status}`}>
      {parentTitle && <span className="task-card__parent">↳ {parentTitle}</span>}
      <span className="task-card__title">{task.title}</span>
      {task.project && <span className="task-card__project">{task.project}</span>}
      {task.status === 'running' && (
        <span className="progress progress--indeterminate" aria-label="In progress" />
      )}
      <SubtaskBar task={task} />
      <span className="task-card__meta">
        <Assignee
          agent={task.assigneeAgentId == null ? undefined : byId.get(task.assigneeAgentId)}
          id={task.assigneeAgentId}
        />
        <span className="spacer" />
        {task.priority !== 'normal' && <PriorityLabel priority={task.priority} />}
      </span>
      {task.deadlineAt && (
        <span
          className={late ? 'task-card__deadline late' : 'task-card__deadline'}
          title={formatDateTime(task.deadlineAt)}
        >
          <CalendarClock size={13} aria-hidden="true" /> {late ? 'Overdue · ' : 'Due '}
          <RelativeTime value={task.deadlineAt} intervalMs={60_000} />
        </span>
      )}
    </Link>
  );
}

function Table({ tasks, byId }: { tasks: Task[]; byId: Directory }) {
  return (
    <section className="card">
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Status</th>
              <th scope="col">Priority</th>
              <th scope="col">Assignee</th>
              <th scope="col" className="hide-narrow">
                Subtasks
              </th>
              <th scope="col" className="hide-narrow">
                Deadline
              </th>
              <th scope="col" className="hide-narrow">
                Updated
              </th>
            </tr>
          </thead>
          <tbody>
            {[...tasks]
              .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
              .map((task) => (
                <tr key={task.id}>
                  <td>
                    <Link to={`/tasks/${task.id}`} className="cell-link">
                      <span className="cell-title">{task.title}</span>
                    </Link>
                    <div className="cell-sub">
                      #{task.id}
                      {task.project && ` · ${task.project}`}
                    </div>
                  </td>
                  <td>
                    <StatusBadge status={task.status} />
                  </td>
                  <td>
                    <PriorityLabel priority={task.priority} />
                  </td>
                  <td>
                    <Assignee
                      agent={
                        task.assigneeAgentId == null ? undefined : byId.get(task.assigneeAgentId)
                      }
                      id={task.assigneeAgentId}
                    />
                  </td>
                  <td className="hide-narrow">
                    {task.subtasks.total > 0 ? (
                      <SubtaskBar task={task} />
                    ) : (
                      <span className="muted">–</span>
                    )}
                  </td>
                  <td className="hide-narrow nowrap">
                    {task.deadlineAt ? (
                      <RelativeTime value={task.deadlineAt} intervalMs={60_000} />
                    ) : (
                      <span className="muted">–</span>
                    )}
                  </td>
                  <td className="hide-narrow nowrap">
                    <RelativeTime value={task.updatedAt} intervalMs={30_000} />
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
