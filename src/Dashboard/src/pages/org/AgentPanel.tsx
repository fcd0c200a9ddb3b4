import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Archive, LineChart, Pause, Pencil, Play, Trash2, X } from 'lucide-react';
import { useState, type CSSProperties } from 'react';
import { Link } from 'react-router';
import { Avatar } from '../../components/Avatar';
import { Dialog } from '../../components/Dialog';
import { LoadingBlock } from '../../components/Loading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import {
  agentKeys,
  agentName,
  avatarUrl,
  createAgent,
  deleteAgent,
  DEFAULT_MAX_CONCURRENT_TASKS,
  fetchAgent,
  fetchAgentCapabilities,
  fetchAgentOpenTasks,
  setAgentStatus,
  toProfileRequest,
  updateAgent,
  type Agent,
  type AgentStatus,
} from '../../services/agents';
import { orgChartQueryKey } from '../../services/org';
import { companyPolicyKeys, fetchCompanyPolicy } from '../../services/companyPolicy';
import { formatUsd } from '../../services/costs';
import { formatTokens } from '../tasks/parts';
import { AgentForm, emptyProfile, type ManagerOption } from './AgentForm';
import { AgentQueue } from './AgentQueue';
import { useAgentUse } from './AgentUse';
import { AvatarUpload } from './AvatarUpload';
import { DataSources } from './DataSources';
import { McpTools } from './McpTools';
import { departmentColour } from './departments';

export type PanelMode =
  | { kind: 'view'; agentId: number }
  | { kind: 'edit'; agentId: number }
  | { kind: 'create'; managerId: number | null };

const NO_RIGHTS = 'Only the CEO changes the company’s agents.';
const ONLY_CEO_WORK = 'Only the CEO directs the company’s work.';

function managerOptions(agents: Agent[], exclude?: number): ManagerOption[] {
  return [
    { id: null, label: 'CEO (you)' },
    ...agents
      .filter((a) => a.id !== exclude && a.status !== 'archived')
      .sort((a, b) => agentName(a).localeCompare(agentName(b)))
      .map((a) => ({ id: a.id, label: `${agentName(a)} · ${a.profile.role}` })),
  ];
}

export function AgentPanel({
  mode,
  agents,
  canEdit,
  onMode,
  onClose,
  onMove,
}: {
  mode: PanelMode;
  agents: Agent[];
  canEdit: boolean;
  onMode: (mode: PanelMode) => void;
  onClose: () => void;
  onMove: (agentId: number, manager: number | null) => Promise<void>;
}) {
  const title =
    mode.kind === 'create' ? 'Hire an agent' : mode.kind === 'edit' ? 'Edit agent' : 'Agent';
  return (
    <aside
      className="side-panel"
      aria-label={title}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <header className="side-panel__header">
        <h2>{title}</h2>
        <button
          type="button"
          className="button button--ghost button--icon button--small"
          onClick={onClose}
          aria-label="Close panel"
        >
          <X size={16} />
        </button>
      </header>
      <div className="side-panel__body">
        {mode.kind === 'create' && (
          <CreateAgent
            managerId={mode.managerId}
            agents={agents}
            onDone={(id) => onMode({ kind: 'view', agentId: id })}
            onCancel={onClose}
          />
        )}
        {mode.kind !== 'create' && (
          <AgentDetails
            key={mode.agentId}
            agentId={mode.agentId}
            editing={mode.kind === 'edit'}
            agents={agents}
            canEdit={canEdit}
            onMode={onMode}
            onClose={onClose}
            onMove={onMove}
          />
        )}
      </div>
    </aside>
  );
}

function CreateAgent({
  managerId,
  agents,
  onDone,
  onCancel,
}: {
  managerId: number | null;
  agents: Agent[];
  onDone: (agentId: number) => void;
  onCancel: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const hire = useMutation({
    mutationFn: ({
      profile,
      manager,
    }: {
      profile: ReturnType<typeof emptyProfile>;
      manager: number | null;
    }) => createAgent(profile, manager),
    onSuccess: (agent) => {
      void queryClient.invalidateQueries({ queryKey: agentKeys.all });
      void queryClient.invalidateQueries({ queryKey: orgChartQueryKey });
      toast({
        tone: 'ok',
        title: `${agentName(agent)} joined`,
        detail: `${agent.profile.role}, ${agent.profile.department}`,
      });
      onDone(agent.id);
    },
  });
  return (
    <AgentForm
      initial={emptyProfile()}
      agents={agents}
      managers={managerOptions(agents)}
      initialManager={managerId}
      submitLabel="Hire agent"
      pending={hire.isPending}
      error={hire.error}
      onSubmit={(profile, manager) => hire.mutate({ profile, manager })}
      onCancel={onCancel}
    />
  );
}

function AgentDetails({
  agentId,
  editing,
  agents,
  canEdit,
  onMode,
  onClose,
  onMove,
}: {
  agentId: number;
  editing: boolean;
  agents: Agent[];
  canEdit: boolean;
  onMode: (mode: PanelMode) => void;
  onClose: () => void;
  onMove: (agentId: number, manager: number | null) => Promise<void>;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const agent = useQuery({
    queryKey: agentKeys.detail(agentId),
    queryFn: ({ signal }) => fetchAgent(agentId, signal),
  });
  const tasks = useQuery({
    queryKey: agentKeys.openTasks(agentId),
    queryFn: ({ signal }) => fetchAgentOpenTasks(agentId, signal),
  });
  const policy = useQuery({
    queryKey: companyPolicyKeys.current(),
    queryFn: ({ signal }) => fetchCompanyPolicy(signal),
  });
  const capabilities = useQuery({
    queryKey: agentKeys.capabilities(agentId),
    queryFn: ({ signal }) => fetchAgentCapabilities(agentId, signal),
  });
  const use = useAgentUse(agentId);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [moveError, setMoveError] = useState<unknown>(null);
  const [moving, setMoving] = useState(false);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: agentKeys.all });
    void queryClient.invalidateQueries({ queryKey: orgChartQueryKey });
  };
  const save = useMutation({
    mutationFn: (profile: ReturnType<typeof emptyProfile>) =>
      updateAgent(agentId, profile, agent.data!.version),
    onSuccess: (updated) => {
      queryClient.setQueryData(agentKeys.detail(agentId), updated);
      refresh();
      onMode({ kind: 'view', agentId });
    },
  });
  const status = useMutation({
    mutationFn: (next: AgentStatus) => setAgentStatus(agentId, next, agent.data!.version),
    onSuccess: (updated) => {
      queryClient.setQueryData(agentKeys.detail(agentId), updated);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteAgent(agentId, agent.data!.version),
    onSuccess: () => {
      setConfirmDelete(false);
      toast({
        tone: 'ok',
        title: `${agent.data ? agentName(agent.data) : 'The agent'} was let go`,
      });
      queryClient.removeQueries({ queryKey: agentKeys.detail(agentId) });
      refresh();
      onClose();
    },
  });

  if (agent.isPending) return <LoadingBlock label="Loading the agent…" />;
  if (agent.isError) return <ProblemAlert error={agent.error} />;
  const a = agent.data;
  const name = agentName(a);

  if (editing) {
    return (
      <AgentForm
        initial={toProfileRequest(a.profile)}
        agents={agents}
        submitLabel="Save changes"
        pending={save.isPending}
        error={save.error}
        onSubmit={(profile) => save.mutate(profile)}
        onCancel={() => onMode({ kind: 'view', agentId })}
        use={use}
      />
    );
  }

  const manager = a.managerAgentId === null ? null : agents.find((x) => x.id === a.managerAgentId);
  const reportsTo = a.reportsToCeo ? 'CEO (you)' : manager ? agentName(manager) : 'Nobody yet';
  const disabledReason = canEdit ? undefined : NO_RIGHTS;
  const flagged = policy.data?.flaggedAgents?.find((f) => f.agentId === a.id);
  const limits = a.profile.limits;
  const limitText = (limit: number | null | undefined, usd = false) =>
    limit === null || limit === undefined
      ? 'no limit'
      : usd
        ? formatUsd(limit)
        : formatTokens(limit);
  const used = (value: number | undefined, usd = false) =>
    value === undefined ? '…' : usd ? formatUsd(value) : formatTokens(value);

  return (
    <div className="stack">
      <div
        className="agent-card"
        style={{ '--dept': departmentColour(a.profile.department) } as CSSProperties}
      >
        <Avatar
          name={name}
          src={avatarUrl(a.id, a.avatarArtifactId)}
          size={56}
          colour={departmentColour(a.profile.department)}
        />
        <div>
          <h3 className="agent-card__name">{name}</h3>
          <p className="muted">{a.profile.role}</p>
          <div className="row" style={{ marginTop: 6, flexWrap: 'wrap' }}>
            <span className="dept-chip">
              <span className="seat__swatch" aria-hidden="true" />
              {a.profile.department}
            </span>
            <span
              className={
                a.status === 'active'
                  ? 'badge badge--ok'
                  : a.status === 'paused'
                    ? 'badge badge--warn'
                    : 'badge'
              }
            >
              {a.status === 'active' ? 'Active' : a.status === 'paused' ? 'Paused' : 'Archived'}
            </span>
          </div>
        </div>
      </div>

      <AvatarUpload agent={a} disabledReason={disabledReason} />
      {flagged && (
        <div className="alert alert--warn" role="alert" data-testid="model-flag">
          <div className="alert__body">
            <p className="alert__title">Its model is no longer allowed</p>
            <p className="alert__detail">
              {a.profile.model}: {flagged.reason}. Edit the agent to choose another.
            </p>
          </div>
        </div>
      )}

      <div className="row" style={{ flexWrap: 'wrap' }}>
        <Tooltip text={disabledReason}>
          <button
            type="button"
            className="button button--small"
            disabled={!canEdit}
            onClick={() => onMode({ kind: 'edit', agentId })}
          >
            <Pencil size={14} /> Edit
          </button>
        </Tooltip>
        {a.status === 'active' ? (
          <Tooltip text={disabledReason}>
            <button
              type="button"
              className="button button--small"
              disabled={!canEdit || status.isPending}
              onClick={() => status.mutate('paused')}
            >
              <Pause size={14} /> Pause
            </button>
          </Tooltip>
        ) : (
          <Tooltip text={disabledReason}>
            <button
              type="button"
              className="button button--small"
              disabled={!canEdit || status.isPending}
              onClick={() => status.mutate('active')}
            >
              <Play size={14} /> Activate
            </button>
          </Tooltip>
        )}
        {a.status !== 'archived' && (
          <Tooltip text={disabledReason}>
            <button
              type="button"
              className="button button--small"
              disabled={!canEdit || status.isPending}
              onClick={() => status.mutate('archived')}
            >
              <Archive size={14} /> Archive
            </button>
          </Tooltip>
        )}
        <Tooltip text={disabledReason}>
          <button
            type="button"
            className="button button--small button--ghost danger-text"
            disabled={!canEdit}
            onClick={() => setConfirmDelete(true)}
          >
            <Trash2 size={14} /> Delete
          </button>
        </Tooltip>
      </div>
      {status.isError && <ProblemAlert error={status.error} />}
      <Link className="button button--small" to={`/agents/${a.id}/progress`}>
        <LineChart size={14} /> Progress, memory and playbook
      </Link>

      <dl className="facts">
        <div>
          <dt>Reports to</dt>
          <dd>
            {canEdit ? (
              <select
                className="select select--inline"
                aria-label="Reports to"
                value={a.reportsToCeo ? '' : (a.managerAgentId ?? '')}
                disabled={moving}
                onChange={(event) => {
                  const next = event.target.value === '' ? null : Number(event.target.value);
                  setMoveError(null);
                  setMoving(true);
                  onMove(a.id, next)
                    .catch((error: unknown) => setMoveError(error))
                    .finally(() => setMoving(false));
                }}
              >
                {!a.reportsToCeo && a.managerAgentId === null && (
                  <option value="">Nobody yet</option>
                )}
                {managerOptions(agents, a.id).map((m) => (
                  <option key={m.id ?? 'ceo'} value={m.id ?? ''}>
                    {m.label}
                  </option>
                ))}
              </select>
            ) : (
              reportsTo
            )}
          </dd>
        </div>
        <div>
          <dt>Seniority</dt>
          <dd className="capitalize">{a.profile.seniority ?? 'mid'}</dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd className="mono">
            {a.profile.model}
            {flagged && <span className="badge badge--warn"> not allowed</span>}
          </dd>
        </div>
        <div>
          <dt>Tokens today</dt>
          <dd data-testid="use-day">
            {used(use.tokensToday)} of {limitText(limits?.tokensPerDay)}
          </dd>
        </div>
        <div>
          <dt>Tokens this month</dt>
          <dd data-testid="use-month">
            {used(use.tokensThisMonth)} of {limitText(limits?.tokensPerMonth)}
          </dd>
        </div>
        <div>
          <dt>Cost so far</dt>
          <dd data-testid="use-cost">
            {used(use.costTotal, true)} of {limitText(limits?.maxCost, true)}
          </dd>
        </div>
        <div>
          <dt>Tasks at once</dt>
          <dd data-testid="max-concurrent">
            {limits?.maxConcurrentTasks ?? DEFAULT_MAX_CONCURRENT_TASKS}
          </dd>
        </div>
        <div>
          <dt>Attempt time limit</dt>
          <dd data-testid="attempt-timeout">
            {limits?.attemptTimeoutSeconds ? `${limits.attemptTimeoutSeconds} s` : 'no limit'}
          </dd>
        </div>
        <div>
          <dt>Load now</dt>
          <dd data-testid="agent-load">
            {capabilities.data
              ? `${capabilities.data.load.running} running · ${capabilities.data.load.queued} queued · ${capabilities.data.load.waiting} waiting`
              : capabilities.isError
                ? 'unavailable'
                : '…'}
          </dd>
        </div>
        <div>
          <dt>Web</dt>
          <dd>
            {a.profile.allowedTools?.includes('web')
              ? limits?.webDomains?.length
                ? limits.webDomains.join(', ')
                : 'on, no domain allowed yet'
              : 'off'}
          </dd>
        </div>
        {a.profile.affinities && a.profile.affinities.length > 0 && (
          <div>
            <dt>Affinities</dt>
            <dd>{a.profile.affinities.join(', ')}</dd>
          </div>
        )}
        <div>
          <dt>Tools</dt>
          <dd>
            {a.profile.allowedTools?.length ? (
              a.profile.allowedTools.join(', ')
            ) : (
              <span className="muted">None</span>
            )}
          </dd>
        </div>
      </dl>
      {moveError !== null && <ProblemAlert error={moveError} />}
      {a.profile.bio && <p className="bio">{a.profile.bio}</p>}
      {a.profile.styleGuidelines && (
        <p className="bio">
          <span className="muted">Style: </span>
          {a.profile.styleGuidelines}
        </p>
      )}

      <section className="stack" style={{ gap: 8 }} aria-labelledby="open-work">
        <h3 id="open-work" className="section-title small-title">
          Open work
        </h3>
        {tasks.isPending && <span className="skeleton" style={{ height: 36 }} />}
        {tasks.isError && <ProblemAlert error={tasks.error} />}
        {tasks.data && (
          <AgentQueue
            agentId={a.id}
            tasks={tasks.data}
            reason={canEdit ? undefined : ONLY_CEO_WORK}
          />
        )}
      </section>

      <DataSources agentId={a.id} canEdit={canEdit} />
      <McpTools agentId={a.id} canEdit={canEdit} />

      <Dialog
        open={confirmDelete}
        onClose={() => {
          setConfirmDelete(false);
          remove.reset();
        }}
        title={`Let ${name} go?`}
        description="The agent leaves the org chart. Its past work stays in the records."
        footer={
          <>
            <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
              Keep {a.profile.firstName}
            </button>
            <button
              type="button"
              className="button button--danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
            >
              <Trash2 size={15} /> Delete agent
            </button>
          </>
        }
      >
        {remove.isError && <ProblemAlert error={remove.error} />}
      </Dialog>
    </div>
  );
}
