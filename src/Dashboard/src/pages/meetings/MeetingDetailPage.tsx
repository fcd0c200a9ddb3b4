import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Download, Play, Send, Square } from 'lucide-react';
import { useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { isCeo, useSession } from '../../app/session';
import { FormDialog } from '../../components/FormDialog';
import { LoadingBlock } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { agentName } from '../../services/agents';
import {
  ctaChanges,
  ctaStatusLabels,
  dispatchCtas,
  endMeeting,
  fetchMeeting,
  fetchMessages,
  fetchMinutes,
  formatCost,
  markdownUrl,
  meetingKeys,
  participantName,
  speak,
  startMeeting,
  updateCta,
  type Cta,
  type CtaChange,
  type Meeting,
  type Minutes,
} from '../../services/meetings';
import { priorityLabels } from '../../services/tasks';
import { PriorityField, StatusBadge, useAgentDirectory } from '../tasks/parts';
import { MeetingStatusBadge } from './parts';
import { TextAreaField, TextField } from '../../components/Field';

export function MeetingDetailPage() {
  const id = Number(useParams().meetingId);
  const session = useSession();
  const ceo = isCeo(session);
  const queryClient = useQueryClient();
  const toast = useToast();
  const meeting = useQuery({
    queryKey: meetingKeys.detail(id),
    queryFn: ({ signal }) => fetchMeeting(id, signal),
  });
  const messages = useQuery({
    queryKey: meetingKeys.messages(id),
    queryFn: ({ signal }) => fetchMessages(id, signal),
  });
  const minutes = useQuery({
    queryKey: meetingKeys.minutes(id),
    queryFn: ({ signal }) => fetchMinutes(id, signal),
  });
  usePageTitle(meeting.data?.title ?? 'Meeting');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: meetingKeys.detail(id) });
  const start = useMutation({ mutationFn: () => startMeeting(id), onSuccess: refresh });
  const end = useMutation({
    mutationFn: () => endMeeting(id),
    onSuccess: () => {
      toast({ tone: 'ok', title: 'Meeting ended', detail: 'The minutes are being written.' });
      refresh();
    },
  });

  if (meeting.isPending) return <LoadingBlock label="Loading the meeting" />;
  if (meeting.isError) return <ProblemAlert error={meeting.error} />;
  const m = meeting.data;
  const reason = ceo ? undefined : 'Only the CEO runs meetings.';

  return (
    <div className="page page--wide">
      <Link to="/meetings" className="back-link">
        ← Meetings
      </Link>
      <PageHeader
        title={m.title}
        description={m.goal || undefined}
        actions={
          <>
            <MeetingStatusBadge status={m.status} />
            {m.status === 'draft' && (
              <Tooltip text={reason}>
                <button
                  type="button"
                  className="button button--primary"
                  disabled={reason !== undefined || start.isPending}
                  onClick={() => start.mutate()}
                >
                  <Play size={16} aria-hidden="true" /> Start
                </button>
              </Tooltip>
            )}
            {(m.status === 'running' || m.status === 'failed') && (
              <Tooltip text={reason}>
                <button
                  type="button"
                  className="button"
                  disabled={reason !== undefined || end.isPending}
                  onClick={() => end.mutate()}
                >
                  <Square size={16} aria-hidden="true" />{' '}
                  {m.status === 'failed' ? 'Write the minutes again' : 'End and write minutes'}
                </button>
              </Tooltip>
            )}
            <a className="button button--ghost" href={markdownUrl(id)} download>
              <Download size={16} aria-hidden="true" /> Markdown
            </a>
          </>
        }
      />
      {start.isError && <ProblemAlert error={start.error} />}
      {end.isError && <ProblemAlert error={end.error} />}
      {m.error && (
        <div className="alert alert--warn" role="status">
          <div className="alert__body">
            <span className="alert__title">The minutes are not written</span>
            <span className="alert__detail">{m.error}</span>
          </div>
        </div>
      )}
      <Facts meeting={m} />
      <section className="card" aria-labelledby="transcript-title">
        <div className="card__header">
          <h2 id="transcript-title">Transcript</h2>
          <span className="muted small">
            {m.speakingAgentId != null && m.status === 'running'
              ? `${participantName(m, m.speakingAgentId)} is speaking…`
              : (m.endReason ?? '')}
          </span>
        </div>
        {messages.isError && <ProblemAlert error={messages.error} />}
        <div className="card__body">
          {messages.data?.length === 0 && <p className="muted">Nobody has spoken yet.</p>}
          <ol className="notes" aria-label="Messages">
            {(messages.data ?? []).map((message) => (
              <li key={message.id} className="note">
                <div className="note__head">
                  <strong>
                    {message.speaker}
                    {message.toAgentId != null && ` → ${participantName(m, message.toAgentId)}`}
                  </strong>
                  <span className="muted small">
                    {message.speakerKind === 'agent' &&
                      `round ${message.round} · ${(message.inputTokens + message.outputTokens).toLocaleString()} tokens · ${formatCost(message.cost)}`}
                  </span>
                </div>
                <p className="prose">{message.text}</p>
              </li>
            ))}
          </ol>
        </div>
        {m.status === 'running' && ceo && <SpeakForm meeting={m} />}
      </section>
      {minutes.data && <MinutesCard meeting={m} minutes={minutes.data} canEdit={ceo} />}
    </div>
  );
}

function Facts({ meeting }: { meeting: Meeting }) {
  return (
    <section className="card card--padded">
      <div className="stats">
        <div className="stat">
          <span className="stat__label">Round</span>
          <span className="stat__value">
            {meeting.round}
            {meeting.maxRounds != null && ` / ${meeting.maxRounds}`}
          </span>
        </div>
        <div className="stat">
          <span className="stat__label">Tokens</span>
          <span className="stat__value">
            {(meeting.inputTokens + meeting.outputTokens).toLocaleString()}
          </span>
        </div>
        <div className="stat">
          <span className="stat__label">Cost</span>
          <span className="stat__value">{formatCost(meeting.cost)}</span>
          {meeting.budget != null && (
            <span className="stat__sub">of {formatCost(meeting.budget)}</span>
          )}
        </div>
      </div>
      <div className="table-wrap">
        <table className="table" aria-label="Participants">
          <thead>
            <tr>
              <th scope="col">Participant</th>
              <th scope="col">Messages</th>
              <th scope="col">Tokens</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {meeting.participants.map((p) => (
              <tr key={p.agentId}>
                <td>
                  <Link to={`/org?agent=${p.agentId}`} className="cell-link">
                    {p.name}
                  </Link>{' '}
                  <span className="muted small">{p.role}</span>
                </td>
                <td>{p.messages}</td>
                <td>{(p.inputTokens + p.outputTokens).toLocaleString()}</td>
                <td>{formatCost(p.cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {meeting.agenda.length > 0 && (
        <>
          <h3 className="small-title">Agenda</h3>
          <ol>
            {meeting.agenda.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function SpeakForm({ meeting }: { meeting: Meeting }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [to, setTo] = useState<number | null>(null);
  const send = useMutation({
    mutationFn: () => speak(meeting.id, text.trim(), to),
    onSuccess: () => {
      setText('');
      setTo(null);
      void queryClient.invalidateQueries({ queryKey: meetingKeys.messages(meeting.id) });
    },
  });
  return (
    <form
      className="row card__body"
      onSubmit={(event) => {
        event.preventDefault();
        send.mutate();
      }}
    >
      <input
        className="input"
        aria-label="Say something in the meeting"
        placeholder="Say something, or ask one participant"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <select
        className="select"
        aria-label="Ask"
        value={to ?? ''}
        onChange={(e) => setTo(e.target.value === '' ? null : Number(e.target.value))}
      >
        <option value="">To everyone</option>
        {meeting.participants.map((p) => (
          <option key={p.agentId} value={p.agentId}>
            Ask {p.name}
          </option>
        ))}
      </select>
      <button
        type="submit"
        className="button button--primary"
        disabled={send.isPending || !text.trim()}
      >
        <Send size={16} aria-hidden="true" /> Speak
      </button>
      {send.isError && <ProblemAlert error={send.error} />}
    </form>
  );
}

function MinutesCard({
  meeting,
  minutes,
  canEdit,
}: {
  meeting: Meeting;
  minutes: Minutes;
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const dispatch = useMutation({
    mutationFn: () => dispatchCtas(meeting.id),
    onSuccess: (ctas) => {
      const refused = ctas.filter((c) => c.status === 'refused').length;
      toast({
        tone: refused > 0 ? 'bad' : 'ok',
        title: 'Calls to action dispatched',
        detail: refused > 0 ? `${refused} refused by the hierarchy policy` : undefined,
      });
      void queryClient.invalidateQueries({ queryKey: meetingKeys.minutes(meeting.id) });
    },
  });
  const pending = minutes.callsToAction.some(
    (c) => c.status === 'proposed' || c.status === 'refused',
  );
  return (
    <section className="card" aria-labelledby="minutes-title">
      <div className="card__header">
        <h2 id="minutes-title">Minutes</h2>
        {canEdit && pending && (
          <button
            type="button"
            className="button button--primary"
            disabled={dispatch.isPending}
            onClick={() => dispatch.mutate()}
          >
            Dispatch calls to action
          </button>
        )}
      </div>
      <div className="card__body">
        <p className="prose">{minutes.summary}</p>
        <List title="Decisions" items={minutes.decisions.map((d) => d.text)} />
        <List title="Risks" items={minutes.risks} />
        <List title="Open questions" items={minutes.openQuestions} />
        {dispatch.isError && <ProblemAlert error={dispatch.error} />}
      </div>
      <div className="table-wrap">
        <table className="table" aria-label="Calls to action">
          <thead>
            <tr>
              <th scope="col">Call to action</th>
              <th scope="col">Owner</th>
              <th scope="col">Due</th>
              <th scope="col">Priority</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {minutes.callsToAction.map((cta) => (
              <CtaRow key={cta.id} meetingId={meeting.id} cta={cta} canEdit={canEdit} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function CtaRow({ meetingId, cta, canEdit }: { meetingId: number; cta: Cta; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const { agents } = useAgentDirectory();
  const change = useMutation({
    mutationFn: (update: CtaChange) => updateCta(meetingId, cta.id, update),
    onSuccess: () =>
      void queryClient.invalidateQueries({ queryKey: meetingKeys.minutes(meetingId) }),
  });
  const [editing, setEditing] = useState(false);
  const editable = canEdit && cta.status !== 'dispatched';
  return (
    <tr className={cta.status === 'dropped' ? 'row--muted' : undefined}>
      <td>
        <div className="cell-title">{cta.title}</div>
        <div className="cell-sub">{cta.rationale}</div>
        {cta.refusalReason && <div className="cell-sub danger-text">{cta.refusalReason}</div>}
        {change.isError && <ProblemAlert error={change.error} />}
      </td>
      <td>
        {editable ? (
          <select
            className="select select--inline"
            aria-label={`Owner of “${cta.title}”`}
            value={cta.ownerAgentId ?? ''}
            onChange={(e) => change.mutate({ ownerAgentId: Number(e.target.value) })}
          >
            {cta.ownerAgentId == null && <option value="">Nobody</option>}
            {agents
              .filter((a) => a.status !== 'archived')
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {agentName(a)} · {a.profile.role}
                </option>
              ))}
          </select>
        ) : (
          (cta.ownerName ?? '—')
        )}
      </td>
      <td className="nowrap">{cta.dueDate ?? '—'}</td>
      <td>{priorityLabels[cta.priority]}</td>
      <td>
        {cta.taskId != null ? (
          <Link to={`/tasks/${cta.taskId}`} className="cell-link">
            {cta.taskStatus ? <StatusBadge status={cta.taskStatus} /> : `task #${cta.taskId}`}
          </Link>
        ) : (
          <span className="badge badge--plain">{ctaStatusLabels[cta.status]}</span>
        )}
        {editable && cta.status !== 'dropped' && (
          <button
            type="button"
            className="button button--small button--ghost"
            aria-label={`Edit “${cta.title}”`}
            onClick={() => setEditing(true)}
          >
            Edit
          </button>
        )}
        {editable && (
          <button
            type="button"
            className="button button--small button--ghost"
            disabled={change.isPending}
            aria-label={`${cta.status === 'dropped' ? 'Take back' : 'Drop'} “${cta.title}”`}
            onClick={() => change.mutate({ dropped: cta.status !== 'dropped' })}
          >
            {cta.status === 'dropped' ? 'Take back' : 'Drop'}
          </button>
        )}
        {editing && (
          <EditCtaDialog meetingId={meetingId} cta={cta} onClose={() => setEditing(false)} />
        )}
      </td>
    </tr>
  );
}

/** The CEO edits a call to action before it is dispatched: title, description, due date, priority. */
function EditCtaDialog({
  meetingId,
  cta,
  onClose,
}: {
  meetingId: number;
  cta: Cta;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    title: cta.title,
    description: cta.description,
    dueDate: cta.dueDate ?? '',
    priority: cta.priority,
  });
  const save = useMutation({
    mutationFn: () => updateCta(meetingId, cta.id, ctaChanges(cta, form)),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: meetingKeys.minutes(meetingId) });
      onClose();
    },
  });
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Edit call to action"
      description="The task it becomes on dispatch takes these."
      submitLabel="Save"
      pendingLabel="Saving…"
      pending={save.isPending}
      onSubmit={() => save.mutate()}
    >
      <TextField
        label="Title"
        value={form.title}
        onChange={(title) => setForm({ ...form, title })}
      />
      <TextAreaField
        label="Description"
        rows={4}
        value={form.description}
        onChange={(description) => setForm({ ...form, description })}
      />
      <div className="form-grid">
        <TextField
          label="Due"
          type="date"
          value={form.dueDate}
          onChange={(dueDate) => setForm({ ...form, dueDate })}
        />
        <PriorityField
          value={form.priority}
          onChange={(priority) => setForm({ ...form, priority })}
        />
      </div>
      {save.isError && <ProblemAlert error={save.error} />}
    </FormDialog>
  );
}

function List({ title, items }: { title: string; items: readonly string[] }) {
  const headingId = useId();
  if (items.length === 0) return null;
  return (
    <>
      <h3 className="small-title" id={headingId}>
        {title}
      </h3>
      <ul className="prose" aria-labelledby={headingId}>
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </>
  );
}
