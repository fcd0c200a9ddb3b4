import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CheckCircle2, Plus, ShieldCheck, Trash2, XCircle } from 'lucide-react';
import { useId, useState } from 'react';
import { isCeo, useSession } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { FormDialog } from '../../components/FormDialog';
import { EmptyState } from '../../components/EmptyState';
import { SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { agentName } from '../../services/agents';
import {
  addPolicyRule,
  approvalLabels,
  deletePolicyRule,
  describeRule,
  fetchCanAssign,
  fetchPolicyRules,
  kindLabels,
  policyRuleKeys,
  scopeLabels,
  setPolicyRuleEnabled,
  splitList,
  type ApprovalAction,
  type DelegationScope,
  type PolicyRule,
  type PolicyRuleKind,
} from '../../services/policies';
import { useAgentDirectory } from '../tasks/parts';
import { Field, TextField } from '../../components/Field';
import { CompanyPolicyCard } from './CompanyPolicyCard';

const ONLY_CEO = 'Only the CEO changes the hierarchy rules.';
const ONLY_CEO_POLICY = 'Only the CEO changes the company policy.';

export function PoliciesPage() {
  usePageTitle('Policies');
  const session = useSession();
  const reason = isCeo(session) ? undefined : ONLY_CEO;
  const [adding, setAdding] = useState(false);
  return (
    <div className="page">
      <PageHeader
        title="Policies"
        description="The company policy (models, budgets, quotas, approvals) and the hierarchy rules: who may assign work to whom, who may never be above whom, and what needs your approval. Agents and the dashboard ask them; they never guess."
        actions={
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--primary"
              disabled={reason !== undefined}
              onClick={() => setAdding(true)}
            >
              <Plus size={16} /> Add rule
            </button>
          </Tooltip>
        }
      />
      <CompanyPolicyCard disabledReason={isCeo(session) ? undefined : ONLY_CEO_POLICY} />
      <Rules disabledReason={reason} />
      <CanAssign />
      <AddRuleDialog open={adding} onClose={() => setAdding(false)} />
    </div>
  );
}

function Rules({ disabledReason }: { disabledReason: string | undefined }) {
  const rules = useQuery({
    queryKey: policyRuleKeys.rules(),
    queryFn: ({ signal }) => fetchPolicyRules(signal),
  });
  return (
    <section className="card" aria-labelledby="rules-title">
      <div className="card__body">
        <h2 id="rules-title" className="section-title">
          <ShieldCheck size={16} aria-hidden="true" /> Rules
        </h2>
      </div>
      {rules.isPending && <SkeletonRows rows={3} columns={3} />}
      {rules.isError && (
        <div className="card__body">
          <ProblemAlert error={rules.error} />
        </div>
      )}
      {rules.data?.length === 0 && (
        <EmptyState icon={<ShieldCheck size={22} />} title="No rules">
          Without rules, any agent may assign work to any other.
        </EmptyState>
      )}
      {rules.data && rules.data.length > 0 && (
        <ul className="rule-list" aria-label="Hierarchy rules">
          {rules.data.map((rule) => (
            <RuleItem key={rule.id} rule={rule} disabledReason={disabledReason} />
          ))}
        </ul>
      )}
    </section>
  );
}

function RuleItem({
  rule,
  disabledReason,
}: {
  rule: PolicyRule;
  disabledReason: string | undefined;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirm, setConfirm] = useState(false);
  const key = policyRuleKeys.rules();

  /** Shows the change at once and returns what to put back when the Api refuses it. */
  const optimistic = (change: (rules: PolicyRule[]) => PolicyRule[]) => {
    void queryClient.cancelQueries({ queryKey: key });
    const before = queryClient.getQueryData<PolicyRule[]>(key);
    if (before) queryClient.setQueryData<PolicyRule[]>(key, change(before));
    return before;
  };
  const rollback = (before: PolicyRule[] | undefined) => {
    if (before) queryClient.setQueryData(key, before);
  };

  // The switch shows the new value in the click's own render, until the Api answers with a new
  // version of the rule (or refuses, which puts it back).
  const [pending, setPending] = useState<{ enabled: boolean; version: number } | null>(null);
  const enabled = pending && pending.version === rule.version ? pending.enabled : rule.enabled;
  const toggle = useMutation({
    mutationFn: (next: boolean) => setPolicyRuleEnabled(rule, next),
    onError: () => setPending(null),
    onSuccess: (updated) =>
      queryClient.setQueryData<PolicyRule[]>(key, (rules) =>
        rules?.map((r) => (r.id === updated.id ? updated : r)),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: policyRuleKeys.all }),
  });
  const remove = useMutation<void, Error, PolicyRule[] | undefined>({
    mutationFn: () => deletePolicyRule(rule),
    onError: (_e, before) => rollback(before),
    onSuccess: () => toast({ tone: 'ok', title: 'Rule deleted', detail: rule.name }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: policyRuleKeys.all }),
  });

  return (
    <li>
      <div className="rule-list__main">
        <div className="row" style={{ flexWrap: 'wrap' }}>
          <span className="cell-title mono">{rule.name}</span>
          <span className="badge">{kindLabels[rule.kind]}</span>
          {!enabled && <span className="badge badge--warn">Off</span>}
        </div>
        <span>{describeRule(rule)}</span>
        {rule.description && rule.description !== describeRule(rule) && (
          <span className="cell-sub">{rule.description}</span>
        )}
        {toggle.isError && <ProblemAlert error={toggle.error} />}
        {remove.isError && <ProblemAlert error={remove.error} />}
      </div>
      <div className="row">
        <Tooltip text={disabledReason}>
          <label className="row small">
            <input
              type="checkbox"
              checked={enabled}
              disabled={disabledReason !== undefined || toggle.isPending}
              onChange={(e) => {
                setPending({ enabled: e.target.checked, version: rule.version });
                toggle.mutate(e.target.checked);
              }}
              aria-label={`${rule.name} enabled`}
            />
            Enabled
          </label>
        </Tooltip>
        <Tooltip text={disabledReason}>
          <button
            type="button"
            className="button button--ghost button--small danger-text"
            disabled={disabledReason !== undefined || remove.isPending}
            onClick={() => setConfirm(true)}
            aria-label={`Delete ${rule.name}`}
          >
            <Trash2 size={14} />
          </button>
        </Tooltip>
      </div>
      <Dialog
        open={confirm}
        onClose={() => setConfirm(false)}
        title={`Delete “${rule.name}”?`}
        description="Agents stop obeying it at once. Switch it off instead to keep it for later."
        footer={
          <>
            <button type="button" className="button" onClick={() => setConfirm(false)}>
              Keep it
            </button>
            <button
              type="button"
              className="button button--danger"
              onClick={() => {
                setConfirm(false);
                remove.mutate(optimistic((rules) => rules.filter((r) => r.id !== rule.id)));
              }}
            >
              <Trash2 size={15} /> Delete rule
            </button>
          </>
        }
      />
    </li>
  );
}

function AddRuleDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<PolicyRuleKind>('role_separation');
  const [description, setDescription] = useState('');
  const [scope, setScope] = useState<DelegationScope>('direct_subordinates');
  const [upperDepartments, setUpperDepartments] = useState('');
  const [upperRoles, setUpperRoles] = useState('');
  const [lowerDepartments, setLowerDepartments] = useState('');
  const [lowerRoles, setLowerRoles] = useState('');
  const [why, setWhy] = useState('');
  const [action, setAction] = useState<ApprovalAction>('publication');
  const [threshold, setThreshold] = useState('');

  const add = useMutation({
    mutationFn: () =>
      addPolicyRule({
        name: name.trim(),
        kind,
        description: description.trim(),
        enabled: true,
        expectedVersion: null,
        delegationScope: kind === 'delegation_scope' ? { scope } : null,
        roleSeparation:
          kind === 'role_separation'
            ? {
                upper: { departments: splitList(upperDepartments), roles: splitList(upperRoles) },
                lower: { departments: splitList(lowerDepartments), roles: splitList(lowerRoles) },
                reason: why.trim(),
              }
            : null,
        approval:
          kind === 'approval_required'
            ? { action, threshold: threshold.trim() === '' ? null : Number(threshold) }
            : null,
      }),
    onSuccess: (rule) => {
      void queryClient.invalidateQueries({ queryKey: policyRuleKeys.all });
      toast({ tone: 'ok', title: 'Rule added', detail: rule.name });
      close();
    },
  });

  function close() {
    setName('');
    setDescription('');
    setUpperDepartments('');
    setUpperRoles('');
    setLowerDepartments('');
    setLowerRoles('');
    setWhy('');
    setThreshold('');
    add.reset();
    onClose();
  }

  return (
    <FormDialog
      open={open}
      onClose={close}
      title="Add a rule"
      description="The Api checks the rule; anything it refuses is explained below."
      submitLabel="Add rule"
      pendingLabel="Adding…"
      pending={add.isPending}
      onSubmit={() => add.mutate()}
    >
      <div className="form-grid">
        <TextField
          label="Name"
          className="mono"
          value={name}
          onChange={setName}
          placeholder="finance-never-above-marketing"
          autoFocus
        />
        <Field label="Kind">
          <select
            className="select"
            value={kind}
            onChange={(e) => setKind(e.target.value as PolicyRuleKind)}
          >
            {(Object.keys(kindLabels) as PolicyRuleKind[]).map((k) => (
              <option key={k} value={k}>
                {kindLabels[k]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <TextField label="Description" value={description} onChange={setDescription} />
      {kind === 'delegation_scope' && (
        <Field label="Agents assign work to">
          <select
            className="select"
            value={scope}
            onChange={(e) => setScope(e.target.value as DelegationScope)}
          >
            {(Object.keys(scopeLabels) as DelegationScope[]).map((s) => (
              <option key={s} value={s}>
                {scopeLabels[s]}
              </option>
            ))}
          </select>
        </Field>
      )}
      {kind === 'role_separation' && (
        <>
          <div className="form-grid">
            <TextField
              label="Never above: departments"
              value={upperDepartments}
              onChange={setUpperDepartments}
              placeholder="Finance"
            />
            <TextField
              label="…or roles"
              value={upperRoles}
              onChange={setUpperRoles}
              placeholder="comma-separated"
            />
            <TextField
              label="These departments"
              value={lowerDepartments}
              onChange={setLowerDepartments}
              placeholder="Marketing"
            />
            <TextField
              label="…or roles"
              value={lowerRoles}
              onChange={setLowerRoles}
              placeholder="comma-separated"
            />
          </div>
          <TextField label="Reason (shown with every refusal)" value={why} onChange={setWhy} />
        </>
      )}
      {kind === 'approval_required' && (
        <div className="form-grid">
          <Field label="Action">
            <select
              className="select"
              value={action}
              onChange={(e) => setAction(e.target.value as ApprovalAction)}
            >
              {(Object.keys(approvalLabels) as ApprovalAction[]).map((a) => (
                <option key={a} value={a}>
                  {approvalLabels[a]}
                </option>
              ))}
            </select>
          </Field>
          <TextField
            label="Above amount (spending, optional)"
            inputMode="decimal"
            value={threshold}
            onChange={setThreshold}
          />
        </div>
      )}
      {add.isError && <ProblemAlert error={add.error} />}
    </FormDialog>
  );
}

/** Asks the rules whether one agent may assign work to another, and shows the answer in their words. */
function CanAssign() {
  const { agents } = useAgentDirectory();
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const headingId = useId();
  const answer = useQuery({
    queryKey: policyRuleKeys.canAssign(from ?? 0, to ?? 0),
    queryFn: ({ signal }) => fetchCanAssign(from!, to!, signal),
    enabled: from !== null && to !== null,
  });
  const people = agents
    .filter((a) => a.status !== 'archived')
    .sort((a, b) => agentName(a).localeCompare(agentName(b)));
  const nameOf = (id: number | null) => {
    const agent = agents.find((a) => a.id === id);
    return agent ? agentName(agent) : '';
  };
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="card__body stack">
        <h2 id={headingId} className="section-title">
          Can one agent assign work to another?
        </h2>
        <div className="form-grid">
          <Field label="Who assigns">
            <select
              className="select"
              value={from ?? ''}
              onChange={(e) => setFrom(e.target.value === '' ? null : Number(e.target.value))}
            >
              <option value="">Choose an agent</option>
              {people.map((a) => (
                <option key={a.id} value={a.id}>
                  {agentName(a)} · {a.profile.role}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Who would receive the work">
            <select
              className="select"
              value={to ?? ''}
              onChange={(e) => setTo(e.target.value === '' ? null : Number(e.target.value))}
            >
              <option value="">Choose an agent</option>
              {people.map((a) => (
                <option key={a.id} value={a.id}>
                  {agentName(a)} · {a.profile.role}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {answer.isFetching && !answer.data && <span className="skeleton" style={{ height: 40 }} />}
        {answer.isError && <ProblemAlert error={answer.error} />}
        {answer.data && from !== null && to !== null && (
          <div
            role="status"
            className={
              answer.data.allowed ? 'decision decision--allowed' : 'decision decision--refused'
            }
          >
            {answer.data.allowed ? (
              <CheckCircle2 size={18} aria-hidden="true" className="ok-text" />
            ) : (
              <XCircle size={18} aria-hidden="true" className="danger-text" />
            )}
            <div>
              <p className="cell-title">
                {answer.data.allowed
                  ? `Allowed: ${nameOf(from)} may assign work to ${nameOf(to)}.`
                  : 'Refused'}
              </p>
              {!answer.data.allowed && (
                <>
                  <p>{answer.data.reason}</p>
                  {answer.data.rule && (
                    <p className="muted small">
                      Rule <span className="mono">{answer.data.rule}</span>
                    </p>
                  )}
                </>
              )}
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
