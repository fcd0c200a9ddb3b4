import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BookCheck, Check, X } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '../../components/EmptyState';
import { SkeletonRows } from '../../components/Loading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import {
  decidePlaybookChange,
  fetchPlaybookChanges,
  memoryKeys,
  type PlaybookChange,
} from '../../services/memory';
import { useActorName } from '../tasks/parts';

const NO_RIGHTS = 'Only the CEO decides playbook changes.';

const statusBadge: Record<PlaybookChange['status'], string> = {
  proposed: 'badge badge--warn',
  approved: 'badge badge--ok',
  rejected: 'badge',
};

/**
 * The agent's playbook: standing instructions proposed when the same lesson comes back, each shown
 * as the playbook before and after with the lessons and tasks it came from. Nothing reaches the
 * agent's briefings until the CEO approves it.
 */
export function PlaybookTab({ agentId, canEdit }: { agentId: number; canEdit: boolean }) {
  const changes = useQuery({
    queryKey: memoryKeys.playbook(agentId),
    queryFn: ({ signal }) => fetchPlaybookChanges(agentId, signal),
  });
  if (changes.isPending) return <SkeletonRows rows={2} columns={3} />;
  if (changes.isError) return <ProblemAlert error={changes.error} />;
  if (changes.data.length === 0)
    return (
      <EmptyState icon={<BookCheck size={22} />} title="No playbook change yet">
        When the CEO gives the same feedback twice, the lesson is proposed here as a standing
        instruction.
      </EmptyState>
    );
  const ordered = [...changes.data].sort(
    (a, b) => Number(b.status === 'proposed') - Number(a.status === 'proposed'),
  );
  return (
    <ul className="playbook-list" aria-label="Playbook changes">
      {ordered.map((change) => (
        <ChangeRow key={change.id} agentId={agentId} change={change} canEdit={canEdit} />
      ))}
    </ul>
  );
}

function ChangeRow({
  agentId,
  change,
  canEdit,
}: {
  agentId: number;
  change: PlaybookChange;
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const nameOf = useActorName();
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: (approve: boolean) =>
      decidePlaybookChange(agentId, change.id, approve, comment.trim() || null),
    onSuccess: (decided) =>
      toast({
        tone: 'ok',
        title: decided.status === 'approved' ? 'Added to the playbook' : 'Change rejected',
        detail: decided.instruction,
      }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['agents', 'detail', agentId] });
      void queryClient.invalidateQueries({ queryKey: memoryKeys.pendingPlaybook });
    },
  });
  const reason = canEdit ? undefined : NO_RIGHTS;
  const titleId = `playbook-change-${change.id}`;

  return (
    <li className="playbook-change" data-playbook-change={change.id} aria-labelledby={titleId}>
      <div className="playbook-change__head">
        <h3 id={titleId} className="playbook-change__title">
          {change.instruction}
        </h3>
        <span className={statusBadge[change.status]}>{change.status}</span>
      </div>
      <p className="muted small">
        Proposed <RelativeTime value={change.createdAt} intervalMs={60_000} /> from{' '}
        {change.lessonIds.length} lessons
        {change.sourceTaskIds.length > 0 && (
          <>
            {' '}
            of{' '}
            {change.sourceTaskIds.map((task, i) => (
              <span key={task}>
                {i > 0 && ', '}
                <Link to={`/tasks/${task}`}>task #{task}</Link>
              </span>
            ))}
          </>
        )}
        {change.decidedAt && (
          <>
            {' '}
            · {change.status} by {nameOf(change.decidedBy ?? 'system')}{' '}
            <RelativeTime value={change.decidedAt} intervalMs={60_000} />
            {change.comment && <>: “{change.comment}”</>}
          </>
        )}
      </p>
      <div className="playbook-diff">
        <figure>
          <figcaption className="small muted">Playbook before</figcaption>
          <pre className="small">{change.playbookBefore || '(empty)'}</pre>
        </figure>
        <figure>
          <figcaption className="small muted">Playbook after</figcaption>
          <pre className="small">{change.playbookAfter}</pre>
        </figure>
      </div>
      {change.status === 'proposed' && (
        <div className="row playbook-change__decide">
          <label className="field" style={{ flex: '1 1 240px' }}>
            <span className="field__label">Comment (optional)</span>
            <input
              className="input"
              name={`playbook-comment-${change.id}`}
              value={comment}
              disabled={reason !== undefined}
              onChange={(event) => setComment(event.target.value)}
            />
          </label>
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--primary"
              disabled={reason !== undefined || decide.isPending}
              onClick={() => decide.mutate(true)}
            >
              <Check size={15} /> Approve
            </button>
          </Tooltip>
          <Tooltip text={reason}>
            <button
              type="button"
              className="button"
              disabled={reason !== undefined || decide.isPending}
              onClick={() => decide.mutate(false)}
            >
              <X size={15} /> Reject
            </button>
          </Tooltip>
        </div>
      )}
      {decide.isError && <ProblemAlert error={decide.error} />}
    </li>
  );
}
