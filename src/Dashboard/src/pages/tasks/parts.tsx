import { useQuery } from '@tanstack/react-query';
import { ArrowDown, ArrowUp, ChevronsUp, Minus } from 'lucide-react';
import { useMemo } from 'react';
import { useSession } from '../../app/session';
import { Avatar } from '../../components/Avatar';
import { Field } from '../../components/Field';
import { agentKeys, agentName, avatarUrl, fetchAgents, type Agent } from '../../services/agents';
import {
  priorities,
  priorityLabels,
  stateLabels,
  stateTone,
  type Task,
  type TaskPriority,
  type TaskState,
} from '../../services/tasks';
import { departmentColour } from '../org/departments';

export function useAgentDirectory(): { agents: Agent[]; byId: Map<number, Agent> } {
  const agents = useQuery({
    queryKey: agentKeys.list(),
    queryFn: ({ signal }) => fetchAgents(signal),
  });
  return useMemo(() => {
    const list = agents.data ?? [];
    return { agents: list, byId: new Map(list.map((a) => [a.id, a])) };
  }, [agents.data]);
}

/** "human:3" → "you" or "a person", "agent:7" → the agent's name, "system" → "fluidManager". */
export function useActorName(): (actor: string | null | undefined) => string {
  const session = useSession();
  const { byId } = useAgentDirectory();
  return (actor) => {
    if (!actor || actor === 'system') return 'fluidManager';
    const [kind, id] = actor.split(':');
    if (kind === 'human') return Number(id) === session.user.id ? 'you' : 'a teammate';
    if (kind === 'agent') {
      const agent = byId.get(Number(id));
      return agent ? agentName(agent) : `agent ${id}`;
    }
    // Work that follows a model or tool call is done on behalf of the call that ended.
    if (kind === 'activity') return 'the agent loop';
    if (kind === 'reminder') return 'a schedule';
    return actor;
  };
}

export function StatusBadge({ status }: { status: TaskState }) {
  const tone = stateTone[status];
  return (
    <span className={`badge badge--${tone || 'plain'}`}>
      {status === 'running' && <span className="dot dot--info dot--pulse" aria-hidden="true" />}
      {stateLabels[status]}
    </span>
  );
}

const priorityIcon: Record<TaskPriority, typeof ArrowUp> = {
  urgent: ChevronsUp,
  high: ArrowUp,
  normal: Minus,
  low: ArrowDown,
};

export function PriorityLabel({ priority }: { priority: TaskPriority }) {
  const Icon = priorityIcon[priority];
  return (
    <span className={`priority priority--${priority}`}>
      <Icon size={14} aria-hidden="true" />
      {priorityLabels[priority]}
    </span>
  );
}

export function Assignee({
  agent,
  id,
}: {
  agent: Agent | undefined;
  id: number | null | undefined;
}) {
  if (id == null) return <span className="muted">Unassigned</span>;
  if (!agent) return <span className="muted">Agent {id}</span>;
  const name = agentName(agent);
  return (
    <span className="assignee">
      <Avatar
        name={name}
        src={avatarUrl(agent.id, agent.avatarArtifactId)}
        size={22}
        colour={departmentColour(agent.profile.department)}
      />
      <span className="assignee__name">{name}</span>
    </span>
  );
}

export function SubtaskBar({ task }: { task: Task }) {
  const { total, done, failed, cancelled, running } = task.subtasks;
  if (total === 0) return null;
  const pct = (n: number) => `${(n / total) * 100}%`;
  return (
    <span className="subtask-bar" title={`${done} of ${total} subtasks done`}>
      <span className="subtask-bar__track" aria-hidden="true">
        <span className="subtask-bar__done" style={{ width: pct(done + cancelled) }} />
        <span className="subtask-bar__running" style={{ width: pct(running) }} />
        <span className="subtask-bar__failed" style={{ width: pct(failed) }} />
      </span>
      <span className="subtask-bar__text">
        {done}/{total}
      </span>
    </span>
  );
}

/** 3 h 12 min, 45 s: a duration for people. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

export function formatTokens(tokens: number): string {
  return new Intl.NumberFormat(undefined, {
    notation: tokens >= 10_000 ? 'compact' : 'standard',
  }).format(tokens);
}

/** The options of a priority select, most urgent first. */
export function PriorityOptions() {
  return priorities.map((p) => (
    <option key={p} value={p}>
      {priorityLabels[p]}
    </option>
  ));
}

/** A labelled priority select for forms. */
export function PriorityField({
  value,
  onChange,
}: {
  value: TaskPriority;
  onChange: (priority: TaskPriority) => void;
}) {
  return (
    <Field label="Priority">
      <select
        className="select"
        value={value}
        onChange={(e) => onChange(e.target.value as TaskPriority)}
      >
        <PriorityOptions />
      </select>
    </Field>
  );
}
