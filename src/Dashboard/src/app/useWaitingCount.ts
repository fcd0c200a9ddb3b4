import { useQuery } from '@tanstack/react-query';
import {
  approvalKeys,
  askedOfCeo,
  clarificationKeys,
  fetchOpenClarifications,
  fetchPendingApprovals,
} from '../services/approvals';
import { fetchEscalations, inboxQueryKey } from '../services/inbox';

/** How many things wait for the CEO: pending approvals, open questions and escalations. */
export function useWaitingCount(): number {
  const approvals = useQuery({
    queryKey: approvalKeys.pending(),
    queryFn: ({ signal }) => fetchPendingApprovals(signal),
  });
  const questions = useQuery({
    queryKey: clarificationKeys.open(),
    queryFn: ({ signal }) => fetchOpenClarifications(signal),
  });
  const escalations = useQuery({
    queryKey: inboxQueryKey,
    queryFn: ({ signal }) => fetchEscalations(signal),
  });
  return (
    (approvals.data?.length ?? 0) +
    (questions.data?.filter(askedOfCeo).length ?? 0) +
    (escalations.data?.filter((e) => e.open).length ?? 0)
  );
}
