import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Check, CheckCircle2, HelpCircle, MessageSquareWarning, X } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { isCeo, useSession } from '../../app/session';
import { EmptyState } from '../../components/EmptyState';
import { SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDateTime, RelativeTime } from '../../components/RelativeTime';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { agentName, type Agent } from '../../services/agents';
import {
  answerClarification,
  approvalKeys,
  askedOfCeo,
  clarificationKeys,
  decideApproval,
  fetchOpenClarifications,
  fetchPendingApprovals,
  type Approval,
  type Clarification,
} from '../../services/approvals';
import { formatUsd } from '../../services/costs';
import {
  fetchEscalations,
  inboxQueryKey,
  resolveEscalation,
  type Escalation,
} from '../../services/inbox';
import { useAgentDirectory } from '../tasks/parts';

const kindLabels: Record<Approval['kind'], string> = {
  publication: 'Publication',
  spending: 'Spending',
  external: 'External action',
  budget_raise: 'Budget raise',
  other: 'Other',
};

const ONLY_CEO = 'Only the CEO decides here.';

function Section({
  id,
  title,
  count,
  children,
}: {
  id: string;
  title: string;
  count: number | undefined;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card__header">
        <h2 id={id}>{title}</h2>
        {count !== undefined && <span className="muted small">{count} waiting</span>}
      </div>
      {children}
    </section>
  );
}

export function ApprovalsPage() {
  usePageTitle('Approvals');
  const { byId } = useAgentDirectory();
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
  const openQuestions = questions.data?.filter(askedOfCeo);
  const openEscalations = escalations.data?.filter((e) => e.open);

  return (
    <div className="page">
      <PageHeader
        title="Approvals"
        description="What waits for you: actions agents may not take without your yes, their questions, and problems handed up to you."
      />

      <Section id="approvals-title" title="Approval requests" count={approvals.data?.length}>
        {approvals.isPending && <SkeletonRows rows={2} columns={3} />}
        {approvals.isError && (
          <div className="card__body">
            <ProblemAlert error={approvals.error} />
          </div>
        )}
        {approvals.data?.length === 0 && (
          <EmptyState icon={<CheckCircle2 size={22} />} title="Nothing waits for your approval">
            Publications, spending and other sensitive actions stop here until you decide.
          </EmptyState>
        )}
        {approvals.data && approvals.data.length > 0 && (
          <ul className="inbox">
            {approvals.data.map((approval) => (
              <ApprovalItem
                key={approval.id}
                approval={approval}
                agent={byId.get(approval.agentId)}
              />
            ))}
          </ul>
        )}
      </Section>

      <Section id="questions-title" title="Questions from agents" count={openQuestions?.length}>
        {questions.isPending && <SkeletonRows rows={1} columns={3} />}
        {questions.isError && (
          <div className="card__body">
            <ProblemAlert error={questions.error} />
          </div>
        )}
        {openQuestions?.length === 0 && (
          <EmptyState icon={<HelpCircle size={22} />} title="No open question">
            When an agent needs a decision or a fact only you have, it asks here and waits.
          </EmptyState>
        )}
        {openQuestions && openQuestions.length > 0 && (
          <ul className="inbox">
            {openQuestions.map((question) => (
              <QuestionItem
                key={question.id}
                question={question}
                agent={byId.get(question.agentId)}
              />
            ))}
          </ul>
        )}
      </Section>

      <Section id="escalations-title" title="Escalations" count={openEscalations?.length}>
        {escalations.isPending && <SkeletonRows rows={1} columns={3} />}
        {escalations.isError && (
          <div className="card__body">
            <ProblemAlert error={escalations.error} />
          </div>
        )}
        {openEscalations?.length === 0 && (
          <EmptyState icon={<MessageSquareWarning size={22} />} title="Nothing escalated to you">
            When an agent reporting to you meets a problem it cannot solve, it lands here.
          </EmptyState>
        )}
        {openEscalations && openEscalations.length > 0 && (
          <ul className="inbox">
            {openEscalations.map((escalation) => (
              <EscalationItem
                key={escalation.id}
                escalation={escalation}
                from={byId.get(escalation.fromAgentId)}
              />
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}

function Origin({
  agent,
  agentId,
  taskId,
  at,
}: {
  agent: Agent | undefined;
  agentId: number;
  taskId: number | null;
  at: string;
}) {
  return (
    <span className="cell-sub">
      From {agent ? agentName(agent) : `agent ${agentId}`} ·{' '}
      <RelativeTime value={at} intervalMs={30_000} />
      {taskId !== null && (
        <>
          {' · '}
          <Link to={`/tasks/${taskId}`}>task #{taskId}</Link>
        </>
      )}
    </span>
  );
}

function ApprovalItem({ approval, agent }: { approval: Approval; agent: Agent | undefined }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      decideApproval(approval.id, decision, comment.trim() || null),
    // Gone from the list at once; back if the Api refuses (decided elsewhere, expired).
    onMutate: async () => {
      await queryClient.cancelQueries({ queryKey: approvalKeys.pending() });
      const previous = queryClient.getQueryData<Approval[]>(approvalKeys.pending());
      queryClient.setQueryData<Approval[]>(approvalKeys.pending(), (list) =>
        list?.filter((a) => a.id !== approval.id),
      );
      return { previous };
    },
    onError: (error, _decision, context) => {
      if (context?.previous) queryClient.setQueryData(approvalKeys.pending(), context.previous);
      toast({
        tone: 'bad',
        title: 'The decision was not recorded',
        detail: error instanceof Error ? error.message : String(error),
      });
    },
    onSuccess: (decided) =>
      toast({
        tone: 'ok',
        title: decided.status === 'approved' ? 'Approved' : 'Rejected',
        detail: approval.action,
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: approvalKeys.all }),
  });
  const reason = isCeo(session) ? undefined : ONLY_CEO;
  return (
    <li className="inbox__item" data-approval={approval.id}>
      <div className="inbox__main">
        <div className="row" style={{ flexWrap: 'wrap' }}>
          <span className="badge badge--accent">{kindLabels[approval.kind]}</span>
          <span className="cell-title">{approval.action}</span>
        </div>
        <Origin
          agent={agent}
          agentId={approval.agentId}
          taskId={approval.taskId}
          at={approval.requestedAt}
        />
        <p className="prose">{approval.reason}</p>
        {approval.tool && (
          <div className="stack" style={{ gap: 4 }} aria-label="Tool call">
            <p className="small">
              Tool <span className="mono">{approval.tool.serverTool}</span> of{' '}
              <span className="mono">{approval.tool.server}</span> ({approval.tool.classification});
              approving runs it with these arguments, rejecting tells the agent your comment.
            </p>
            <pre className="small mono">{JSON.stringify(approval.tool.arguments, null, 2)}</pre>
          </div>
        )}
        {(approval.amount !== null || approval.proposedLimit !== null) && (
          <p className="small">
            {approval.amount !== null && <>Amount: {formatUsd(approval.amount)}. </>}
            {approval.proposedLimit !== null && (
              <>
                Limit{' '}
                {approval.currentLimit !== null ? `from ${formatUsd(approval.currentLimit)} ` : ''}
                to {formatUsd(approval.proposedLimit)}.
              </>
            )}
          </p>
        )}
        {approval.expiresAt && (
          <p className="muted small">Expires {formatDateTime(approval.expiresAt)}</p>
        )}
        <div className="row" style={{ marginTop: 6, flexWrap: 'wrap' }}>
          <input
            className="input"
            style={{ flex: '1 1 240px' }}
            aria-label={`Comment on “${approval.action}”`}
            placeholder="A word for the agent (optional)"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            disabled={reason !== undefined}
          />
          <Tooltip text={reason}>
            <button
              type="button"
              className="button"
              disabled={reason !== undefined || decide.isPending}
              onClick={() => decide.mutate('reject')}
            >
              <X size={15} /> Reject
            </button>
          </Tooltip>
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--primary"
              disabled={reason !== undefined || decide.isPending}
              onClick={() => decide.mutate('approve')}
            >
              <Check size={15} /> Approve
            </button>
          </Tooltip>
        </div>
      </div>
    </li>
  );
}

function QuestionItem({ question, agent }: { question: Clarification; agent: Agent | undefined }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [answer, setAnswer] = useState('');
  const send = useMutation({
    mutationFn: () => answerClarification(question.id, answer.trim()),
    onSuccess: () => {
      toast({ tone: 'ok', title: 'Answer sent', detail: 'The agent goes on with it.' });
      void queryClient.invalidateQueries({ queryKey: clarificationKeys.all });
    },
  });
  const reason = isCeo(session) ? undefined : 'Only the CEO answers questions put to the CEO.';
  return (
    <li className="inbox__item">
      <div className="inbox__main">
        <span className="cell-title">{question.question}</span>
        <Origin
          agent={agent}
          agentId={question.agentId}
          taskId={question.taskId}
          at={question.askedAt}
        />
        <AnswerForm
          subject={question.question}
          placeholder="Your answer"
          value={answer}
          onChange={setAnswer}
          reason={reason}
          pending={send.isPending}
          action="Answer"
          onSubmit={() => send.mutate()}
        />
        {send.isError && <ProblemAlert error={send.error} />}
      </div>
    </li>
  );
}

function EscalationItem({ escalation, from }: { escalation: Escalation; from: Agent | undefined }) {
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
        <Origin
          agent={from}
          agentId={escalation.fromAgentId}
          taskId={escalation.taskId}
          at={escalation.createdAt}
        />
        {escalation.body && <p className="prose">{escalation.body}</p>}
        <AnswerForm
          subject={escalation.subject}
          placeholder="Your answer (optional)"
          value={answer}
          onChange={setAnswer}
          reason={reason}
          pending={resolve.isPending}
          action="Resolve"
          onSubmit={() => resolve.mutate()}
        />
        {resolve.isError && <ProblemAlert error={resolve.error} />}
      </div>
    </li>
  );
}

/** One line to answer a question or an escalation; disabled, with the reason, for whoever may not. */
function AnswerForm({
  subject,
  placeholder,
  value,
  onChange,
  reason,
  pending,
  action,
  onSubmit,
}: {
  subject: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  reason: string | undefined;
  pending: boolean;
  action: string;
  onSubmit: () => void;
}) {
  return (
    <form
      className="row"
      style={{ marginTop: 6 }}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <input
        className="input"
        aria-label={`Answer to “${subject}”`}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={reason !== undefined}
      />
      <Tooltip text={reason}>
        <button
          type="submit"
          className="button button--primary"
          disabled={reason !== undefined || pending}
        >
          {action}
        </button>
      </Tooltip>
    </form>
  );
}
