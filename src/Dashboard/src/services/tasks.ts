import { api, unwrap, type Schemas } from '../api/client';

export type Task = Schemas['TaskDto'];
export type TaskState = Schemas['TaskState'];
export type TaskAction = Schemas['TaskAction'];
export type TaskPriority = Schemas['TaskPriority'];
export type TaskNode = Schemas['TaskNode'];
export type WorklogEntry = Schemas['WorklogEntryDto'];
export type Artifact = Schemas['ArtifactDto'];
export type Comment = Schemas['CommentDto'];
export type LlmCall = Schemas['LlmCallDto'];
export type ToolCall = Schemas['ToolCallDto'];
export type TaskRun = Schemas['TaskRunDto'];

export interface TaskFilters {
  status?: TaskState;
  assignee?: number;
  priority?: TaskPriority;
  project?: string;
  q?: string;
}

export const taskKeys = {
  all: ['tasks'] as const,
  list: (filters: TaskFilters) => ['tasks', 'list', filters] as const,
  detail: (id: number) => ['tasks', 'detail', id] as const,
  timeline: (id: number) => ['tasks', 'detail', id, 'timeline'] as const,
  subtasks: (id: number) => ['tasks', 'detail', id, 'subtasks'] as const,
  worklog: (id: number) => ['tasks', 'detail', id, 'worklog'] as const,
  artifacts: (id: number) => ['tasks', 'detail', id, 'artifacts'] as const,
  comments: (id: number) => ['tasks', 'detail', id, 'comments'] as const,
  llmCalls: (id: number) => ['tasks', 'detail', id, 'llm-calls'] as const,
  toolCalls: (id: number) => ['tasks', 'detail', id, 'tool-calls'] as const,
  run: (id: number) => ['tasks', 'detail', id, 'run'] as const,
};

export const taskStates: TaskState[] = [
  'queued',
  'running',
  'paused',
  'blocked',
  'awaiting_approval',
  'failed',
  'done',
  'cancelled',
];

export const priorities: TaskPriority[] = ['urgent', 'high', 'normal', 'low'];

export const stateLabels: Record<TaskState, string> = {
  queued: 'Queued',
  running: 'Running',
  paused: 'Paused',
  blocked: 'Blocked',
  awaiting_approval: 'Awaiting approval',
  failed: 'Failed',
  done: 'Done',
  cancelled: 'Cancelled',
};

export const stateTone: Record<TaskState, string> = {
  queued: '',
  running: 'info',
  paused: 'warn',
  blocked: 'bad',
  awaiting_approval: 'accent',
  failed: 'bad',
  done: 'ok',
  cancelled: '',
};

export const priorityLabels: Record<TaskPriority, string> = {
  urgent: 'Urgent',
  high: 'High',
  normal: 'Normal',
  low: 'Low',
};

const PAGE = 200;

/** Every task that matches, following the pages. */
export async function fetchTasks(filters: TaskFilters, signal?: AbortSignal): Promise<Task[]> {
  const tasks: Task[] = [];
  let after: number | undefined;
  for (let page = 0; page < 25; page++) {
    const result = await unwrap(
      api.GET('/api/tasks', { params: { query: { ...filters, after, limit: PAGE } }, signal }),
      signal,
    );
    tasks.push(...result.items);
    if (result.next === null || result.items.length === 0) break;
    after = result.next;
  }
  return tasks;
}

export function fetchTask(id: number, signal?: AbortSignal): Promise<Task> {
  return unwrap(api.GET('/api/tasks/{id}', { params: { path: { id } }, signal }), signal);
}

export function fetchTimeline(id: number, signal?: AbortSignal) {
  return unwrap(
    api.GET('/api/tasks/{id}/timeline', {
      params: { path: { id }, query: { limit: 500 } },
      signal,
    }),
    signal,
  );
}

export function fetchSubtasks(id: number, signal?: AbortSignal): Promise<TaskNode[]> {
  return unwrap(api.GET('/api/tasks/{id}/subtasks', { params: { path: { id } }, signal }), signal);
}

export function fetchWorklog(id: number, signal?: AbortSignal): Promise<WorklogEntry[]> {
  return unwrap(api.GET('/api/tasks/{id}/worklog', { params: { path: { id } }, signal }), signal);
}

export function fetchArtifacts(id: number, signal?: AbortSignal): Promise<Artifact[]> {
  return unwrap(api.GET('/api/tasks/{id}/artifacts', { params: { path: { id } }, signal }), signal);
}

export function fetchComments(id: number, signal?: AbortSignal): Promise<Comment[]> {
  return unwrap(api.GET('/api/tasks/{id}/comments', { params: { path: { id } }, signal }), signal);
}

export function fetchLlmCalls(id: number, signal?: AbortSignal): Promise<LlmCall[]> {
  return unwrap(api.GET('/api/tasks/{id}/llm-calls', { params: { path: { id } }, signal }), signal);
}

export function fetchToolCalls(id: number, signal?: AbortSignal): Promise<ToolCall[]> {
  return unwrap(
    api.GET('/api/tasks/{id}/tool-calls', { params: { path: { id } }, signal }),
    signal,
  );
}

/** The agent loop of the task, or null when no agent ever ran it (204). */
export async function fetchRun(id: number, signal?: AbortSignal): Promise<TaskRun | null> {
  const run = await unwrap(
    api.GET('/api/tasks/{id}/run', { params: { path: { id } }, signal }),
    signal,
  );
  return run ?? null;
}

export function artifactUrl(taskId: number, artifactId: number): string {
  return `/api/tasks/${taskId}/artifacts/${artifactId}`;
}

type Transition = 'pause' | 'resume' | 'retry' | 'start' | 'block' | 'unblock' | 'fail';

export function transition(
  task: Task,
  verb: Transition,
  reason: string | null = null,
): Promise<Task> {
  const options = {
    params: { path: { id: task.id } },
    body: { reason, expectedVersion: task.version },
  };
  switch (verb) {
    case 'pause':
      return unwrap(api.POST('/api/tasks/{id}/pause', options));
    case 'resume':
      return unwrap(api.POST('/api/tasks/{id}/resume', options));
    case 'retry':
      return unwrap(api.POST('/api/tasks/{id}/retry', options));
    case 'start':
      return unwrap(api.POST('/api/tasks/{id}/start', options));
    case 'block':
      return unwrap(api.POST('/api/tasks/{id}/block', options));
    case 'unblock':
      return unwrap(api.POST('/api/tasks/{id}/unblock', options));
    case 'fail':
      return unwrap(api.POST('/api/tasks/{id}/fail', options));
  }
}

export function cancelTask(task: Task, cascade: boolean, reason: string | null): Promise<Task> {
  return unwrap(
    api.POST('/api/tasks/{id}/cancel', {
      params: { path: { id: task.id } },
      body: { cascade, reason, expectedVersion: task.version },
    }),
  );
}

export function assignTask(task: Task, agentId: number): Promise<Task> {
  return unwrap(
    api.POST('/api/tasks/{id}/assign', {
      params: { path: { id: task.id } },
      body: { agentId, expectedVersion: task.version },
    }),
  );
}

export function changePriority(task: Task, priority: TaskPriority): Promise<Task> {
  return unwrap(
    api.PUT('/api/tasks/{id}/priority', {
      params: { path: { id: task.id } },
      body: { priority, expectedVersion: task.version },
    }),
  );
}

export function setDeadline(task: Task, deadlineAt: string | null): Promise<Task> {
  return unwrap(
    api.PUT('/api/tasks/{id}/deadline', {
      params: { path: { id: task.id } },
      body: { deadlineAt, expectedVersion: task.version },
    }),
  );
}

export function addComment(taskId: number, body: string): Promise<Comment> {
  return unwrap(
    api.POST('/api/tasks/{id}/comments', { params: { path: { id: taskId } }, body: { body } }),
  );
}

export function createTask(input: {
  title: string;
  description: string;
  assigneeAgentId: number | null;
  priority: TaskPriority;
  deadlineAt: string | null;
  project: string | null;
}): Promise<Task> {
  return unwrap(
    api.POST('/api/tasks', {
      body: {
        ...input,
        costEstimate: null,
        failurePolicy: null,
        maxAttempts: null,
        parentTaskId: null,
        scheduledAt: null,
      },
    }),
  );
}

/** Whether the Api would accept this action now (it says so in allowedActions). */
export function allows(task: Task, action: TaskAction): boolean {
  return task.allowedActions?.includes(action) ?? false;
}
