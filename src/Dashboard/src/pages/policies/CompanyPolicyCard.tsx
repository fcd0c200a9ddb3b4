import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle, Building2, Save } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { Field, TextField } from '../../components/Field';
import { SkeletonRows } from '../../components/Loading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { fieldErrors } from '../../components/problem';
import { useToast } from '../../components/Toasts';
import {
  ceoAssignmentLabels,
  companyPolicyKeys,
  fetchCompanyPolicy,
  setCompanyPolicy,
  type CeoAssignment,
  type CompanyPolicy,
} from '../../services/companyPolicy';
import {
  addPolicyRule,
  approvalLabels,
  fetchPolicyRules,
  policyRuleKeys,
  setPolicyRuleEnabled,
  splitList,
  type ApprovalAction,
} from '../../services/policies';

/** The form's text, one string per field: what the CEO typed, checked by the Api on save. */
interface Draft {
  allowedModels: string;
  monthlyBudgetUsd: string;
  monthlyTokenLimit: string;
  tokensPerDay: string;
  tokensPerMonth: string;
  maxCost: string;
  webDailyQuota: string;
  ceoAssignment: CeoAssignment;
}

function text(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

export function draftOf(policy: CompanyPolicy): Draft {
  return {
    allowedModels: (policy.allowedModels ?? []).join(', '),
    monthlyBudgetUsd: text(policy.monthlyBudgetUsd),
    monthlyTokenLimit: text(policy.monthlyTokenLimit),
    tokensPerDay: text(policy.defaultAgentLimits?.tokensPerDay),
    tokensPerMonth: text(policy.defaultAgentLimits?.tokensPerMonth),
    maxCost: text(policy.defaultAgentLimits?.maxCost),
    webDailyQuota: text(policy.webDailyQuota),
    ceoAssignment: policy.ceoAssignment ?? 'follow_hierarchy',
  };
}

/** Blank is "none"; anything else must read as a number (the Api checks its range). */
function parseNumber(value: string, field: string, errors: Record<string, string[]>) {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const number = Number(trimmed);
  if (!Number.isFinite(number)) {
    errors[field] = ['Enter a number, or leave it empty for none.'];
    return null;
  }
  return number;
}

/**
 * The company's governance settings: the models its agents may use within the server's list, its monthly
 * budget, new agents' default limits, the web tool's quota, which actions wait for approval and how the
 * CEO's own assignments travel. Only the CEO changes them; the Api checks every value.
 */
export function CompanyPolicyCard({ disabledReason }: { disabledReason: string | undefined }) {
  const policy = useQuery({
    queryKey: companyPolicyKeys.current(),
    queryFn: ({ signal }) => fetchCompanyPolicy(signal),
  });
  const headingId = useId();
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="card__body stack">
        <h2 id={headingId} className="section-title">
          <Building2 size={16} aria-hidden="true" /> Company policy
        </h2>
        {policy.isPending && <SkeletonRows rows={4} columns={2} />}
        {policy.isError && <ProblemAlert error={policy.error} />}
        {policy.data && (
          // A new version from the Api (this tab's save or another's) starts a fresh form.
          <PolicyForm
            key={policy.data.version}
            policy={policy.data}
            disabledReason={disabledReason}
          />
        )}
      </div>
    </section>
  );
}

function PolicyForm({
  policy,
  disabledReason,
}: {
  policy: CompanyPolicy;
  disabledReason: string | undefined;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState(() => draftOf(policy));
  const [localErrors, setLocalErrors] = useState<Record<string, string[]>>({});
  const disabled = disabledReason !== undefined;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  const save = useMutation({
    mutationFn: (request: Parameters<typeof setCompanyPolicy>[0]) => setCompanyPolicy(request),
    onSuccess: (saved) => {
      queryClient.setQueryData(companyPolicyKeys.current(), saved);
      void queryClient.invalidateQueries({ queryKey: ['agents'] });
      toast({ tone: 'ok', title: 'Company policy saved' });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors: Record<string, string[]> = {};
    const request = {
      allowedModels: splitList(draft.allowedModels),
      monthlyBudgetUsd: parseNumber(draft.monthlyBudgetUsd, 'monthlyBudgetUsd', errors),
      monthlyTokenLimit: parseNumber(draft.monthlyTokenLimit, 'monthlyTokenLimit', errors),
      defaultAgentLimits: {
        tokensPerDay: parseNumber(draft.tokensPerDay, 'defaultAgentLimits.tokensPerDay', errors),
        tokensPerMonth: parseNumber(
          draft.tokensPerMonth,
          'defaultAgentLimits.tokensPerMonth',
          errors,
        ),
        maxCost: parseNumber(draft.maxCost, 'defaultAgentLimits.maxCost', errors),
      },
      webDailyQuota: parseNumber(draft.webDailyQuota, 'webDailyQuota', errors),
      ceoAssignment: draft.ceoAssignment,
      expectedVersion: policy.version ?? null,
    };
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) return;
    save.mutate(request);
  };

  const errorsOf = (field: string) => localErrors[field] ?? fieldErrors(save.error, field);
  const numberProps = { disabled, inputMode: 'decimal' as const, placeholder: 'none' };
  const server = policy.serverAllowedModels ?? [];

  return (
    <form className="form" onSubmit={submit} aria-label="Company policy">
      <TextField
        label="Allowed models"
        className="mono"
        value={draft.allowedModels}
        onChange={(v) => set('allowedModels', v)}
        disabled={disabled}
        placeholder="empty: every model the server allows"
        errors={errorsOf('allowedModels')}
      />
      <p className="field__hint" data-testid="server-models">
        The server allows: <span className="mono">{server.join(', ') || 'nothing'}</span>. The
        company’s list can only narrow it (ids, <span className="mono">provider:*</span>).
      </p>
      {(policy.flaggedAgents ?? []).length > 0 && (
        <div
          className="alert alert--warn"
          role="note"
          aria-label="Agents on a model no longer allowed"
        >
          <AlertTriangle size={18} aria-hidden="true" />
          <div className="alert__body">
            <p className="alert__title">Agents on a model the lists no longer allow</p>
            <ul className="alert__list">
              {(policy.flaggedAgents ?? []).map((a) => (
                <li key={a.agentId}>
                  {a.displayName} (<span className="mono">{a.model}</span>): {a.reason}
                </li>
              ))}
            </ul>
            <p className="alert__detail">They keep their model until you choose another.</p>
          </div>
        </div>
      )}
      <div className="form-grid">
        <TextField
          label="Monthly budget (USD)"
          value={draft.monthlyBudgetUsd}
          onChange={(v) => set('monthlyBudgetUsd', v)}
          errors={errorsOf('monthlyBudgetUsd')}
          {...numberProps}
        />
        <TextField
          label="Monthly budget (tokens)"
          value={draft.monthlyTokenLimit}
          onChange={(v) => set('monthlyTokenLimit', v)}
          errors={errorsOf('monthlyTokenLimit')}
          {...numberProps}
        />
        <TextField
          label="New agents: tokens per day"
          value={draft.tokensPerDay}
          onChange={(v) => set('tokensPerDay', v)}
          errors={errorsOf('defaultAgentLimits.tokensPerDay')}
          {...numberProps}
        />
        <TextField
          label="New agents: tokens per month"
          value={draft.tokensPerMonth}
          onChange={(v) => set('tokensPerMonth', v)}
          errors={errorsOf('defaultAgentLimits.tokensPerMonth')}
          {...numberProps}
        />
        <TextField
          label="New agents: highest cost (USD)"
          value={draft.maxCost}
          onChange={(v) => set('maxCost', v)}
          errors={errorsOf('defaultAgentLimits.maxCost')}
          {...numberProps}
        />
        <TextField
          label="Web requests per agent per day"
          value={draft.webDailyQuota}
          onChange={(v) => set('webDailyQuota', v)}
          errors={errorsOf('webDailyQuota')}
          {...numberProps}
        />
      </div>
      <Field label="Tasks the CEO assigns" errors={errorsOf('ceoAssignment')}>
        <select
          className="select"
          value={draft.ceoAssignment}
          disabled={disabled}
          onChange={(e) => set('ceoAssignment', e.target.value as CeoAssignment)}
        >
          {(Object.keys(ceoAssignmentLabels) as CeoAssignment[]).map((c) => (
            <option key={c} value={c}>
              {ceoAssignmentLabels[c]}
            </option>
          ))}
        </select>
      </Field>
      {save.isError && <ProblemAlert error={save.error} />}
      <div className="form__actions">
        <span className="muted small">Version {policy.version ?? 0}</span>
        <button
          type="submit"
          className="button button--primary"
          disabled={disabled || save.isPending}
          title={disabledReason}
        >
          <Save size={15} /> {save.isPending ? 'Saving…' : 'Save policy'}
        </button>
      </div>
      <ApprovalClasses disabledReason={disabledReason} />
    </form>
  );
}

/**
 * Which action classes wait for the CEO's approval: each is an approval rule of the hierarchy policy,
 * switched on or off here (added when the company has none for it yet).
 */
function ApprovalClasses({ disabledReason }: { disabledReason: string | undefined }) {
  const queryClient = useQueryClient();
  const rules = useQuery({
    queryKey: policyRuleKeys.rules(),
    queryFn: ({ signal }) => fetchPolicyRules(signal),
  });
  const change = useMutation({
    mutationFn: async ({ action, on }: { action: ApprovalAction; on: boolean }) => {
      const existing = (rules.data ?? []).filter(
        (r) => r.kind === 'approval_required' && r.approval?.action === action,
      );
      if (existing.length === 0) {
        await addPolicyRule({
          name: `approve-${action.replace(/_/g, '-')}`,
          kind: 'approval_required',
          description: `${approvalLabels[action]} waits for the CEO's approval.`,
          enabled: on,
          expectedVersion: null,
          delegationScope: null,
          roleSeparation: null,
          approval: { action, threshold: null },
        });
        return;
      }
      for (const rule of existing) {
        if (rule.enabled !== on) await setPolicyRuleEnabled(rule, on);
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: policyRuleKeys.all }),
  });
  return (
    <fieldset className="field fieldset">
      <legend className="field__label">Actions that wait for your approval</legend>
      <div className="row" style={{ flexWrap: 'wrap', gap: 14 }}>
        {(Object.keys(approvalLabels) as ApprovalAction[]).map((action) => {
          const on = (rules.data ?? []).some(
            (r) => r.kind === 'approval_required' && r.approval?.action === action && r.enabled,
          );
          return (
            <label key={action} className="check-label" title={disabledReason}>
              <input
                type="checkbox"
                checked={on}
                disabled={disabledReason !== undefined || !rules.data || change.isPending}
                onChange={(e) => change.mutate({ action, on: e.target.checked })}
              />
              {approvalLabels[action]}
            </label>
          );
        })}
      </div>
      {change.isError && <ProblemAlert error={change.error} />}
    </fieldset>
  );
}
