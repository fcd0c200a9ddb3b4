import { useQuery } from '@tanstack/react-query';
import { fetchEscalations, inboxQueryKey } from '../services/inbox';
import { fetchTasks, taskKeys } from '../services/tasks';

export const awaitingApproval = { status: 'awaiting_approval' as const };

/** How many things wait for the CEO: tasks awaiting approval and open escalations. */
export function useWaitingCount(): number {
  const tasks = useQuery({
    queryKey: taskKeys.list(awaitingApproval),
    queryFn: ({ signal }) => fetchTasks(awaitingApproval, signal),
  });
  const escalations = useQuery({
    queryKey: inboxQueryKey,
    queryFn: ({ signal }) => fetchEscalations(signal),
  });
  return (tasks.data?.length ?? 0) + (escalations.data?.filter((e) => e.open).length ?? 0);
}
