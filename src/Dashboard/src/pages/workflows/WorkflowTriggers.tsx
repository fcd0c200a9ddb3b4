import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle, KeyRound, Plus, RefreshCw, Trash2, Webhook } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { SkeletonRows } from '../../components/Loading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { Tooltip } from '../../components/Tooltip';
import { fieldErrors, otherFieldErrors } from '../../components/problem';
import { ApiError } from '../../services/http';
import {
  createWebhookTrigger,
  deleteTrigger,
  extraFields,
  fetchTriggerFirings,
  fetchWorkflowTriggers,
  fieldText,
  hookUrl,
  rotateTriggerSecret,
  setTriggerEnabled,
  workflowTriggerKeys,
  type CreatedWorkflowTrigger,
  type WorkflowTrigger,
} from '../../services/workflowTriggers';

export const ONLY_CEO_TRIGGERS = 'Only the CEO changes workflow triggers.';

/**
 * The template's triggers (webhooks, and any other kind the server has, shown as it is), each with
 * its firings: what each delivery started, or why it was refused. Secrets are shown once.
 */
export function WorkflowTriggers({ workflowId, reason }: { workflowId: number; reason?: string }) {
  const triggers = useQuery({
    queryKey: workflowTriggerKeys.list(workflowId),
    queryFn: ({ signal }) => fetchWorkflowTriggers(workflowId, signal),
  });
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<CreatedWorkflowTrigger | null>(null);
  return (
    <section className="card card--padded" aria-labelledby="workflow-triggers-title">
      <div className="row" style={{ justifyContent: 'space-between', flexWrap: 'wrap' }}>
        <h2 id="workflow-triggers-title" className="section-title">
          Triggers
        </h2>
        <Tooltip text={reason}>
          <button
            type="button"
            className="button button--small"
            disabled={reason !== undefined}
            onClick={() => setAdding(true)}
          >
            <Plus size={14} /> New webhook trigger
          </button>
        </Tooltip>
      </div>
      <p className="muted small">
        A webhook trigger lets another system start a run: it posts a JSON body (the run’s inputs)
        signed with the trigger’s secret to the trigger’s address.
      </p>
      {triggers.isPending && <SkeletonRows rows={2} columns={3} />}
      {triggers.isError && <ProblemAlert error={triggers.error} />}
      {triggers.data?.length === 0 && <p className="muted small">No trigger yet.</p>}
      {triggers.data && triggers.data.length > 0 && (
        <ul className="trigger-list" aria-label="Triggers">
          {triggers.data.map((trigger) => (
            <TriggerItem key={trigger.id} trigger={trigger} reason={reason} onSecret={setSecret} />
          ))}
        </ul>
      )}
      {adding && (
        <NewWebhookDialog
          workflowId={workflowId}
          onClose={() => setAdding(false)}
          onCreated={(created) => {
            setAdding(false);
            setSecret(created);
          }}
        />
      )}
      <SecretOnceDialog created={secret} onClose={() => setSecret(null)} />
    </section>
  );
}

function TriggerItem({
  trigger,
  reason,
  onSecret,
}: {
  trigger: WorkflowTrigger;
  reason?: string;
  onSecret: (created: CreatedWorkflowTrigger) => void;
}) {
  const queryClient = useQueryClient();
  const [confirm, setConfirm] = useState<'rotate' | 'delete' | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: workflowTriggerKeys.all });
  // The switch shows what was asked until the Api answers: the new trigger, or a refusal.
  const [asked, setAsked] = useState<boolean | null>(null);
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => setTriggerEnabled(trigger, enabled),
    onSuccess: (updated) => {
      if (updated.workflowId != null)
        queryClient.setQueryData<WorkflowTrigger[]>(
          workflowTriggerKeys.list(updated.workflowId),
          (list) => list?.map((t) => (t.id === updated.id ? updated : t)),
        );
      refresh();
    },
    onSettled: () => setAsked(null),
  });
  const rotate = useMutation({
    mutationFn: () => rotateTriggerSecret(trigger.id),
    onSuccess: (created) => {
      setConfirm(null);
      refresh();
      onSecret(created);
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteTrigger(trigger.id),
    onSuccess: () => {
      setConfirm(null);
      refresh();
    },
  });
  const webhook = trigger.kind === 'webhook';
  const extra = Object.entries(extraFields(trigger));
  const enabled = asked ?? trigger.enabled;
  return (
    <li className="trigger" aria-label={`Trigger ${trigger.name}`}>
      <div className="trigger__head">
        <span className="trigger__name">
          {webhook && <Webhook size={15} aria-hidden="true" />} {trigger.name}
        </span>
        <span className="badge">{trigger.kind}</span>
        <span className={enabled ? 'badge badge--ok' : 'badge badge--warn'}>
          {enabled ? 'enabled' : 'disabled'}
        </span>
      </div>
      <dl className="facts">
        {webhook && (
          <div>
            <dt>Address</dt>
            <dd className="trigger__url">
              <code data-testid="trigger-url">{hookUrl(trigger)}</code>
              <CopyButton text={hookUrl(trigger)} label="Copy address" />
            </dd>
          </div>
        )}
        {webhook && (
          <div>
            <dt>Replay window</dt>
            <dd>{trigger.replayWindowSeconds} s</dd>
          </div>
        )}
        {extra.map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd className="mono">{fieldText(value)}</dd>
          </div>
        ))}
        <div>
          <dt>Created</dt>
          <dd>
            <RelativeTime value={trigger.createdAt} intervalMs={60_000} /> by {trigger.createdBy}
          </dd>
        </div>
      </dl>
      <div className="row" style={{ flexWrap: 'wrap', gap: 8 }}>
        <Tooltip text={reason}>
          <label className="check-label">
            <input
              type="checkbox"
              checked={enabled}
              disabled={reason !== undefined || toggle.isPending}
              onChange={(event) => {
                setAsked(event.target.checked);
                toggle.mutate(event.target.checked);
              }}
            />
            Enabled
          </label>
        </Tooltip>
        {webhook && (
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--small"
              disabled={reason !== undefined}
              onClick={() => setConfirm('rotate')}
            >
              <KeyRound size={14} /> New secret
            </button>
          </Tooltip>
        )}
        <Tooltip text={reason}>
          <button
            type="button"
            className="button button--small button--ghost danger-text"
            disabled={reason !== undefined}
            onClick={() => setConfirm('delete')}
          >
            <Trash2 size={14} /> Delete
          </button>
        </Tooltip>
      </div>
      {toggle.isError && <ProblemAlert error={toggle.error} />}
      <Firings triggerId={trigger.id} />
      <Dialog
        open={confirm === 'rotate'}
        onClose={() => {
          setConfirm(null);
          rotate.reset();
        }}
        title={`Replace the secret of “${trigger.name}”?`}
        description="Deliveries signed with the current secret are refused from now on. The new secret is shown once."
        footer={
          <>
            <button type="button" className="button" onClick={() => setConfirm(null)}>
              Keep it
            </button>
            <button
              type="button"
              className="button button--primary"
              disabled={rotate.isPending}
              onClick={() => rotate.mutate()}
            >
              <KeyRound size={15} /> Replace the secret
            </button>
          </>
        }
      >
        {rotate.isError && <ProblemAlert error={rotate.error} />}
      </Dialog>
      <Dialog
        open={confirm === 'delete'}
        onClose={() => {
          setConfirm(null);
          remove.reset();
        }}
        title={`Delete “${trigger.name}”?`}
        description="Its address stops starting runs and its firing history goes; the runs it started stay."
        footer={
          <>
            <button type="button" className="button" onClick={() => setConfirm(null)}>
              Keep it
            </button>
            <button
              type="button"
              className="button button--danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
            >
              <Trash2 size={15} /> Delete trigger
            </button>
          </>
        }
      >
        {remove.isError && <ProblemAlert error={remove.error} />}
      </Dialog>
    </li>
  );
}

/** A trigger's firings, newest first: when, the delivery, and the run it started or the error. */
export function Firings({ triggerId }: { triggerId: number }) {
  const firings = useQuery({
    queryKey: workflowTriggerKeys.firings(triggerId),
    queryFn: ({ signal }) => fetchTriggerFirings(triggerId, signal),
  });
  const titleId = `trigger-${triggerId}-firings`;
  return (
    <div className="stack" style={{ gap: 6 }}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h3 id={titleId} className="section-title small-title">
          Firings
        </h3>
        <button
          type="button"
          className="button button--ghost button--small"
          aria-label="Refresh the firings"
          disabled={firings.isFetching}
          onClick={() => void firings.refetch()}
        >
          <RefreshCw size={14} />
        </button>
      </div>
      {firings.isPending && <SkeletonRows rows={1} columns={3} />}
      {firings.isError && <ProblemAlert error={firings.error} />}
      {firings.data?.length === 0 && <p className="muted small">Not fired yet.</p>}
      {firings.data && firings.data.length > 0 && (
        <table className="table" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Delivery</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {firings.data.map((firing) => (
              <tr key={firing.id}>
                <td>
                  <RelativeTime value={firing.createdAt} intervalMs={60_000} />
                </td>
                <td className="mono small">{firing.deliveryId || '—'}</td>
                <td>
                  <span
                    className={
                      firing.outcome === 'started' ? 'badge badge--ok' : 'badge badge--bad'
                    }
                  >
                    {firing.outcome}
                  </span>{' '}
                  {firing.runId !== null && (
                    <Link to={`/workflows/runs/${firing.runId}`}>Run #{firing.runId}</Link>
                  )}
                  {firing.error && <span className="small danger-text"> {firing.error}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function NewWebhookDialog({
  workflowId,
  onClose,
  onCreated,
}: {
  workflowId: number;
  onClose: () => void;
  onCreated: (created: CreatedWorkflowTrigger) => void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const [windowText, setWindowText] = useState('300');
  const [enabled, setEnabled] = useState(true);
  const [windowError, setWindowError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (replayWindowSeconds: number) =>
      createWebhookTrigger(workflowId, {
        name: name.trim(),
        secret: secret === '' ? null : secret,
        enabled,
        replayWindowSeconds,
      }),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: workflowTriggerKeys.list(workflowId) });
      onCreated(created);
    },
  });
  const shown = ['name', 'secret', 'replayWindowSeconds'];
  const others = otherFieldErrors(create.error, shown);
  const validation =
    create.error instanceof ApiError && Object.keys(create.error.errors).length > 0;
  return (
    <FormDialog
      open
      onClose={onClose}
      title="New webhook trigger"
      description="Its address and secret are shown once it is created; the secret only then."
      submitLabel="Create trigger"
      pendingLabel="Creating…"
      pending={create.isPending}
      onSubmit={() => {
        const seconds = Number(windowText.trim());
        if (windowText.trim() === '' || !Number.isInteger(seconds)) {
          setWindowError('Enter a whole number of seconds.');
          return;
        }
        setWindowError(null);
        create.mutate(seconds);
      }}
    >
      <TextField
        label="Name"
        value={name}
        onChange={setName}
        errors={fieldErrors(create.error, 'name')}
        autoFocus
      />
      <TextField
        label="Secret (empty: one is generated)"
        value={secret}
        onChange={setSecret}
        autoComplete="off"
        errors={fieldErrors(create.error, 'secret')}
      />
      <TextField
        label="Replay window (seconds)"
        inputMode="numeric"
        value={windowText}
        onChange={setWindowText}
        errors={windowError ? [windowError] : fieldErrors(create.error, 'replayWindowSeconds')}
      />
      <label className="check-label">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(event) => setEnabled(event.target.checked)}
        />
        Enabled
      </label>
      {create.isError && (!validation || others.length > 0) && (
        <ProblemAlert error={create.error} />
      )}
    </FormDialog>
  );
}

/** The address and the secret of a trigger just created or given a new secret: shown this once. */
function SecretOnceDialog({
  created,
  onClose,
}: {
  created: CreatedWorkflowTrigger | null;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={created !== null}
      onClose={onClose}
      title="Copy the trigger’s secret"
      description={
        created
          ? `“${created.trigger.name}” is ready. Store its secret somewhere safe now.`
          : undefined
      }
      footer={
        <button type="button" className="button button--primary" onClick={onClose}>
          I have stored it
        </button>
      }
    >
      {created && (
        <div className="stack">
          <div>
            <p className="field__label">Address</p>
            <div className="secret">
              <code data-testid="new-trigger-url">{hookUrl(created.trigger)}</code>
              <CopyButton text={hookUrl(created.trigger)} label="Copy address" />
            </div>
          </div>
          <div>
            <p className="field__label">Secret</p>
            <div className="secret">
              <code data-testid="new-trigger-secret">{created.secret}</code>
              {created.secret && <CopyButton text={created.secret} label="Copy secret" />}
            </div>
          </div>
          <p className="small muted">
            Sign each delivery: <code>X-Fluid-Timestamp</code> (Unix seconds),{' '}
            <code>X-Fluid-Delivery</code> (an id of yours) and <code>X-Fluid-Signature</code>:{' '}
            <code>sha256=</code> and the hex HMAC-SHA256 of “timestamp.body” keyed with this secret.
          </p>
          <div className="alert alert--warn" role="note">
            <AlertTriangle size={18} aria-hidden="true" />
            <div className="alert__body">
              <p className="alert__title">This is the only time the secret is shown.</p>
              <p className="alert__detail">
                fluidManager keeps it encrypted and never shows it again. If you lose it, give the
                trigger a new secret.
              </p>
            </div>
          </div>
        </div>
      )}
    </Dialog>
  );
}
