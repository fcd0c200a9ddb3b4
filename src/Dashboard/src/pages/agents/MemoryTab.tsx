import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Brain, EyeOff, Pencil, Pin, PinOff, Search } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { Dialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { SkeletonRows } from '../../components/Loading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import {
  editMemory,
  forgetMemory,
  isLive,
  memoryKeys,
  memoryKindLabels,
  memoryKinds,
  provenance,
  searchMemory,
  type MemoryHit,
  type MemoryKind,
  type MemorySearch,
} from '../../services/memory';
import { useActorName } from '../tasks/parts';

const NO_RIGHTS = 'Only the CEO changes an agent’s memory.';

/**
 * The agent's memory: hybrid search (meaning and words) or the newest items, each with where it
 * came from; the CEO edits, pins and forgets items. Forgotten items stay listed on request, for
 * provenance, but no search or briefing finds them again.
 */
export function MemoryTab({ agentId, canEdit }: { agentId: number; canEdit: boolean }) {
  const [draft, setDraft] = useState<MemorySearch>({ q: '', kind: '', includeInactive: false });
  const [search, setSearch] = useState<MemorySearch>(draft);
  const hits = useQuery({
    queryKey: memoryKeys.search(agentId, search),
    queryFn: ({ signal }) => searchMemory(agentId, search, signal),
  });
  const reason = canEdit ? undefined : NO_RIGHTS;

  return (
    <div className="stack">
      <form
        className="row memory-search"
        role="search"
        aria-label="Search the agent's memory"
        onSubmit={(event) => {
          event.preventDefault();
          setSearch({ ...draft, q: draft.q.trim() });
        }}
      >
        <label className="field" style={{ flex: '3 1 260px' }}>
          <span className="field__label">Search memory</span>
          <input
            className="input"
            type="search"
            name="memory-query"
            placeholder="What does the agent know about…"
            value={draft.q}
            onChange={(event) => setDraft({ ...draft, q: event.target.value })}
          />
        </label>
        <label className="field" style={{ flex: '1 1 130px' }}>
          <span className="field__label">Kind</span>
          <select
            className="select"
            name="memory-kind"
            value={draft.kind}
            onChange={(event) =>
              setDraft({ ...draft, kind: event.target.value as MemoryKind | '' })
            }
          >
            <option value="">Every kind</option>
            {memoryKinds.map((kind) => (
              <option key={kind} value={kind}>
                {memoryKindLabels[kind]}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox-inline">
          <input
            type="checkbox"
            checked={draft.includeInactive}
            onChange={(event) => setDraft({ ...draft, includeInactive: event.target.checked })}
          />
          Forgotten and superseded too
        </label>
        <button type="submit" className="button button--primary">
          <Search size={15} /> Search
        </button>
      </form>

      {hits.isPending && <SkeletonRows rows={3} columns={3} />}
      {hits.isError && <ProblemAlert error={hits.error} />}
      {hits.data?.length === 0 && (
        <EmptyState icon={<Brain size={22} />} title={search.q ? 'Nothing found' : 'No memory yet'}>
          {search.q
            ? 'No item matches these words or their meaning.'
            : 'Lessons from feedback, facts people tell the agent and the episodes of its tasks appear here.'}
        </EmptyState>
      )}
      {hits.data && hits.data.length > 0 && (
        <ul className="memory-list" aria-label="Memory items">
          {hits.data.map((hit) => (
            <MemoryRow
              key={hit.item.id}
              agentId={agentId}
              hit={hit}
              ranked={search.q !== ''}
              reason={reason}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function MemoryRow({
  agentId,
  hit,
  ranked,
  reason,
}: {
  agentId: number;
  hit: MemoryHit;
  ranked: boolean;
  reason?: string;
}) {
  const item = hit.item;
  const queryClient = useQueryClient();
  const toast = useToast();
  const nameOf = useActorName();
  const [editing, setEditing] = useState<string | null>(null);
  const [forgetting, setForgetting] = useState(false);
  const [why, setWhy] = useState('');
  const done = () => queryClient.invalidateQueries({ queryKey: ['agents', 'detail', agentId] });
  const edit = useMutation({
    mutationFn: (change: { content?: string; pinned?: boolean }) =>
      editMemory(agentId, item, change),
    onSuccess: () => setEditing(null),
    onSettled: done,
  });
  const forget = useMutation({
    mutationFn: () => forgetMemory(agentId, item.id, why.trim() || null),
    onSuccess: () => {
      setForgetting(false);
      setWhy('');
      toast({ tone: 'ok', title: 'Forgotten', detail: 'No search or briefing finds it again.' });
    },
    onSettled: done,
  });
  const live = isLive(item);
  const source = provenance(item, nameOf);
  const headingId = `memory-${item.id}`;

  return (
    <li
      className={live ? 'memory-item' : 'memory-item memory-item--inactive'}
      data-memory-item={item.id}
      aria-labelledby={headingId}
    >
      <div className="memory-item__head">
        <span className={`badge memory-kind memory-kind--${item.kind}`}>
          {memoryKindLabels[item.kind]}
        </span>
        {item.pinned && (
          <span className="badge badge--accent">
            <Pin size={11} aria-hidden="true" /> Pinned
          </span>
        )}
        {item.forgottenAt && <span className="badge badge--bad">Forgotten</span>}
        {!item.forgottenAt && item.supersededById != null && (
          <span className="badge badge--warn">Superseded by #{item.supersededById}</span>
        )}
        {ranked && (
          <span className="muted small" title={`score ${hit.score.toFixed(3)}`}>
            #{hit.rank}
          </span>
        )}
        <span className="memory-item__source small">
          {source.to ? <Link to={source.to}>{source.label}</Link> : source.label} ·{' '}
          <RelativeTime value={item.createdAt} intervalMs={60_000} />
        </span>
      </div>
      {editing === null ? (
        <p id={headingId} className="prose memory-item__content">
          {item.content}
        </p>
      ) : (
        <form
          className="stack"
          style={{ gap: 8 }}
          onSubmit={(event) => {
            event.preventDefault();
            edit.mutate({ content: editing });
          }}
        >
          <label className="visually-hidden" htmlFor={`${headingId}-edit`}>
            Content of memory item {item.id}
          </label>
          <textarea
            id={`${headingId}-edit`}
            className="textarea"
            rows={3}
            value={editing}
            onChange={(event) => setEditing(event.target.value)}
          />
          <div className="row" style={{ gap: 8 }}>
            <button
              type="submit"
              className="button button--primary button--small"
              disabled={edit.isPending}
            >
              Save
            </button>
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                setEditing(null);
                edit.reset();
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      {item.supersedesId != null && (
        <p className="muted small">Replaces item #{item.supersedesId}.</p>
      )}
      {item.forgottenAt && (
        <p className="muted small">
          Forgotten by {nameOf(item.forgottenBy ?? 'system')}{' '}
          <RelativeTime value={item.forgottenAt} intervalMs={60_000} />.
        </p>
      )}
      {!item.forgottenAt && editing === null && (
        <div className="row memory-item__actions">
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--small button--ghost"
              disabled={reason !== undefined}
              aria-label={`Edit memory item ${item.id}`}
              onClick={() => setEditing(item.content)}
            >
              <Pencil size={14} /> Edit
            </button>
          </Tooltip>
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--small button--ghost"
              disabled={reason !== undefined || edit.isPending}
              aria-label={`${item.pinned ? 'Unpin' : 'Pin'} memory item ${item.id}`}
              onClick={() => edit.mutate({ pinned: !item.pinned })}
            >
              {item.pinned ? <PinOff size={14} /> : <Pin size={14} />}{' '}
              {item.pinned ? 'Unpin' : 'Pin'}
            </button>
          </Tooltip>
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--small button--ghost danger-text"
              disabled={reason !== undefined}
              aria-label={`Forget memory item ${item.id}`}
              onClick={() => setForgetting(true)}
            >
              <EyeOff size={14} /> Forget
            </button>
          </Tooltip>
        </div>
      )}
      {edit.isError && <ProblemAlert error={edit.error} />}
      <Dialog
        open={forgetting}
        onClose={() => {
          setForgetting(false);
          forget.reset();
        }}
        title="Forget this item?"
        description="It stays listed for provenance, but no search, recall or briefing finds it again."
        footer={
          <>
            <button type="button" className="button" onClick={() => setForgetting(false)}>
              Keep it
            </button>
            <button
              type="button"
              className="button button--danger"
              disabled={forget.isPending}
              onClick={() => forget.mutate()}
            >
              <EyeOff size={15} /> Forget
            </button>
          </>
        }
      >
        <blockquote className="memory-quote">{item.content}</blockquote>
        <label className="field">
          <span className="field__label">Why (kept in the record)</span>
          <input
            className="input"
            name="forget-reason"
            value={why}
            onChange={(event) => setWhy(event.target.value)}
          />
        </label>
        {forget.isError && <ProblemAlert error={forget.error} />}
      </Dialog>
    </li>
  );
}
