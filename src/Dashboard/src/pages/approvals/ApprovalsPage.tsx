import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CheckCircle2, MessageSquareWarning } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { isCeo, useSession } from '../../app/session';
import { awaitingApproval } from '../../app/useWaitingCount';
import { EmptyState } from '../../components/EmptyState';
import { InfoAlert, ProblemAlert } from '../../components/ProblemAlert';
import { SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { RelativeTime } from '../../components/RelativeTime';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { agentName } from '../../services/agents';
import {
  fetchEscalations,
  inboxQueryKey,
  resolveEscalation,
  type Escalation,
} from '../../services/inbox';
import { fetchTasks, taskKeys } from '../../services/tasks';
import { Assignee, PriorityLabel, useAgentDirectory } from '../tasks/parts';

export function ApprovalsPage() {
  usePageTitle('Approvals');
  const { byId } = useAgentDirectory();
  const tasks = useQuery({
    queryKey: taskKeys.list(awaitingApproval),
    queryFn: ({ signal }) => fetchTasks(awaitingApproval, signal),
  });
  const escalations = useQuery({
    queryKey: inboxQueryKey,
    queryFn: ({ signal }) => fetchEscalations(signal),
  });
  const open = escalations.data?.filter((e) => e.open) ?? [];

  return (
    <div className="page">
      <PageHeader
        title="Approvals"
        description="What waits for you: work an agent may not do without your yes, and problems your direct reports handed up."
      />

      <section className="card" aria-labelledby="escalations-title">
        <div className="card__header">
          <h2 id="escalations-title">Escalations</h2>
          <span className="muted small">{escalations.data ? `${open.length} open` : ''}</span>
        </div>
        {escalations.isPending && <SkeletonRows rows={2} columns={3} />}
        {escalations.isError && (
          <div className="card__body">
            <ProblemAlert error={escalations.error} />
          </div>
        )}
        {escalations.data && open.length === 0 && (
          <EmptyState icon={<MessageSquareWarning size={22} />} title="Nothing escalated to you">
            When an agent reporting to you meets a problem it cannot solve, it lands here.
          </EmptyState>
        )}
        {open.length > 0 && (
          <ul className="inbox">
            {open.map((escalation) => (
              <EscalationItem
                key={escalation.id}
                escalation={escalation}
                from={byId.get(escalation.fromAgentId)}
              />
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="awaiting-title">
        <div className="card__header">
          <h2 id="awaiting-title">Tasks awaiting your approval</h2>
          <span className="muted small">{tasks.data ? `${tasks.data.length} waiting` : ''}</span>
        </div>
        {tasks.isPending && <SkeletonRows rows={2} columns={3} />}
        {tasks.isError && (
          <div className="card__body">
            <ProblemAlert error={tasks.error} />
          </div>
        )}
        {tasks.data && tasks.data.length === 0 && (
          <EmptyState icon={<CheckCircle2 size={22} />} title="Nothing waits for your approval">
            Sensitive actions, such as spending above a threshold, stop here until you decide.
          </EmptyState>
        )}
        {tasks.data && tasks.data.length > 0 && (
          <>
            <div className="card__body">
              <InfoAlert title="Deciding from the dashboard is not available yet">
                The server does not offer approve and reject commands yet. Each task below shows
                what it waits for.
              </InfoAlert>
            </div>
            <ul className="inbox">
              {tasks.data.map((task) => (
                <li key={task.id} className="inbox__item">
                  <div className="inbox__main">
                    <Link to={`/tasks/${task.id}`} className="cell-title cell-link">
                      {task.title}
                    </Link>
                    {task.statusReason && <p className="prose">{task.statusReason}</p>}
                  </div>
                  <div className="inbox__side">
                    <Assignee
                      agent={
                        task.assigneeAgentId == null ? undefined : byId.get(task.assigneeAgentId)
                      }
                      id={task.assigneeAgentId}
                    />
                    <PriorityLabel priority={task.priority} />
                  </div>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </div>
  );
}

function EscalationItem({
  escalation,
  from,
}: {
  escalation: Escalation;
  from: ReturnType<typeof useAgentDirectory>['byId'] extends Map<number, infer A>
    ? A | undefined
    : never;
}) {
  const session = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [answer, setAnswer] = useState('');
  const resolve = useMutation({
    mutationFn: () => resolveEscalation(escalation.id, answer.trim() || null),
    onSuccess: () => {
      toast({ tone: 'ok', title: 'Escalation resolved', detail: escalation.subject });
      void queryClient.invalidateQueries({ queryKey: inboxQueryKey });
    },
  });
  const reason = isCeo(session) ? undefined : 'Only the CEO answers escalations.';
  return (
    <li className="inbox__item">
      <div className="inbox__main">
        <span className="cell-title">{escalation.subject}</span>
        <span className="cell-sub">
          From {from ? agentName(from) : `agent ${escalation.fromAgentId}`} ·{' '}
          <RelativeTime value={escalation.createdAt} intervalMs={30_000} />
          {escalation.taskId && (
            <>
              {' · '}
              <Link to={`/tasks/${escalation.taskId}`}>task #{escalation.taskId}</Link>
            </>
          )}
        </span>
        {escalation.body && <p className="prose">{escalation.body}</p>}
        <form
          className="row"
          style={{ marginTop: 6 }}
          onSubmit={(event) => {
            event.preventDefault();
            resolve.mutate();
          }}
        >
          <input
            className="input"
            aria-label={`Answer to “${escalation.subject}”`}
            placeholder="Your answer (optional)"
            value={answer}
            onChange={(e) => setAnswer(e.target.value)}
            disabled={reason !== undefined}
          />
          <Tooltip text={reason}>
            <button
              type="submit"
              className="button button--primary"
              disabled={reason !== undefined || resolve.isPending}
            >
              Resolve
            </button>
          </Tooltip>
        </form>
        {resolve.isError && <ProblemAlert error={resolve.error} />}
      </div>
    </li>
  );
}
