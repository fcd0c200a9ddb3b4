import { useQuery } from '@tanstack/react-query';
import { ArrowLeft, ListTree, Target } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { LoadingBlock } from '../../components/Loading';
import { ItemNotFoundPage, ProblemPage } from '../../components/PageFallbacks';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { usePageTitle } from '../../hooks/usePageTitle';
import { ApiError } from '../../services/http';
import { fetchSubtasks, fetchTask, taskKeys, type TaskNode } from '../../services/tasks';
import { TaskControls } from '../tasks/TaskControls';
import {
  Assignee,
  PriorityLabel,
  StatusBadge,
  SubtaskBar,
  useAgentDirectory,
} from '../tasks/parts';

/** One mission and its task tree, as agents delegate and work (live: task events refetch both). */
export function MissionPage() {
  const id = Number(useParams().taskId);
  const valid = Number.isInteger(id) && id > 0;
  const mission = useQuery({
    queryKey: taskKeys.detail(id),
    queryFn: ({ signal }) => fetchTask(id, signal),
    enabled: valid,
  });
  const tree = useQuery({
    queryKey: taskKeys.subtasks(id),
    queryFn: ({ signal }) => fetchSubtasks(id, signal),
    enabled: valid,
  });
  const { byId } = useAgentDirectory();
  usePageTitle(mission.data?.title ?? 'Mission');

  if (!valid || (mission.error instanceof ApiError && mission.error.status === 404)) {
    return (
      <ItemNotFoundPage
        icon={<Target size={22} />}
        title="No such mission"
        backTo="/missions"
        backLabel="Back to missions"
      />
    );
  }
  if (mission.isPending) return <LoadingBlock label="Loading the mission…" />;
  if (mission.isError) return <ProblemPage error={mission.error} />;
  const m = mission.data;
  const count = (nodes: TaskNode[]): number =>
    nodes.reduce((n, node) => n + 1 + count(node.subtasks), 0);

  const render = (nodes: TaskNode[]): ReactNode => (
    <ul className="tree">
      {nodes.map(({ task, subtasks }) => (
        <li key={task.id} data-task-id={task.id}>
          <div className="tree__row">
            <Link to={`/tasks/${task.id}`} className="tree__title">
              {task.title}
            </Link>
            <SubtaskBar task={task} />
            <StatusBadge status={task.status} />
            <Assignee
              agent={task.assigneeAgentId == null ? undefined : byId.get(task.assigneeAgentId)}
              id={task.assigneeAgentId}
            />
          </div>
          {subtasks.length > 0 && render(subtasks)}
        </li>
      ))}
    </ul>
  );

  return (
    <div className="page page--wide">
      <div className="stack" style={{ gap: 10 }}>
        <Link to="/missions" className="back-link">
          <ArrowLeft size={15} aria-hidden="true" /> Missions
        </Link>
        <div className="task-head">
          <div>
            <h1 className="task-head__title">{m.title}</h1>
            <div className="row" style={{ flexWrap: 'wrap', marginTop: 8 }}>
              <StatusBadge status={m.status} />
              <PriorityLabel priority={m.priority} />
              <span className="muted small">
                #{m.id} · launched <RelativeTime value={m.createdAt} intervalMs={30_000} />
              </span>
              <Link to={`/tasks/${m.id}`} className="small">
                Open as a task
              </Link>
            </div>
          </div>
        </div>
      </div>
      <div className="task-layout">
        <section className="card" aria-labelledby="tree-title">
          <div className="card__body stack">
            <h2 id="tree-title" className="section-title">
              <ListTree size={16} aria-hidden="true" /> Task tree
              {tree.data && <span className="muted small">{count(tree.data)} subtasks</span>}
            </h2>
            <div className="tree__row" data-task-id={m.id}>
              <span className="tree__title">{m.title}</span>
              <SubtaskBar task={m} />
              <StatusBadge status={m.status} />
              <Assignee
                agent={m.assigneeAgentId == null ? undefined : byId.get(m.assigneeAgentId)}
                id={m.assigneeAgentId}
              />
            </div>
            {tree.isPending && <span className="skeleton" style={{ height: 36 }} />}
            {tree.isError && <ProblemAlert error={tree.error} />}
            {tree.data?.length === 0 && (
              <p className="muted" role="status">
                No subtasks yet: they appear here as soon as the assignee delegates.
              </p>
            )}
            {tree.data && tree.data.length > 0 && (
              <div aria-label="Subtasks" role="group">
                {render(tree.data)}
              </div>
            )}
          </div>
        </section>
        <div className="stack">
          <TaskControls task={m} />
          {m.description && (
            <section className="card">
              <div className="card__body">
                <h2 className="section-title small-title">Brief</h2>
                <p className="prose">{m.description}</p>
              </div>
            </section>
          )}
        </div>
      </div>
    </div>
  );
}
