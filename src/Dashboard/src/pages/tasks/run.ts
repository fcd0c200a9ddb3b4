import type { TaskRun } from '../../services/tasks';

/**
 * What the agent loop is doing, in words. A loop that is calling before its conversation has a
 * single message is searching its memory for the briefing (the `memory.briefing` step): memory
 * retrieval, not a model call. Later, a call in flight is a model call or a governed tool call.
 */
export function describeRun(run: Pick<TaskRun, 'status' | 'messages'>): string {
  switch (run.status) {
    case 'idle':
      return 'Ready for its next step';
    case 'calling':
      return run.messages === 0
        ? 'Briefing: searching its memory (no model call)'
        : 'Working: a model or tool call is under way';
    case 'waiting':
      return 'Waiting';
    case 'stopped':
      return 'Stopped';
  }
}
