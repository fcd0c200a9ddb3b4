import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import { fieldErrors } from '../../components/problem';
import {
  DEFAULT_MAX_CONCURRENT_TASKS,
  seniorities,
  type Agent,
  type AgentProfileRequest,
} from '../../services/agents';
import {
  companyPolicyKeys,
  effectiveModels,
  fetchCompanyPolicy,
  modelAllowedBy,
} from '../../services/companyPolicy';
import { splitList } from '../../services/policies';
import { Field, TextAreaField, TextField } from '../../components/Field';
import { LimitUse, type AgentUse } from './AgentUse';

const tools = [
  { id: 'rag', label: 'Knowledge search' },
  { id: 'sql', label: 'SQL queries' },
  { id: 'web', label: 'Web' },
  { id: 'email', label: 'E-mail (send_email)' },
  { id: 'events', label: 'Custom events (emit_event)' },
];

const seniorityLabels: Record<string, string> = {
  junior: 'Junior',
  mid: 'Mid-level',
  senior: 'Senior',
  lead: 'Lead',
  principal: 'Principal',
  executive: 'Executive',
};

function text(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

export interface ManagerOption {
  id: number | null;
  label: string;
}

export function emptyProfile(): AgentProfileRequest {
  return {
    firstName: '',
    lastName: '',
    role: '',
    department: '',
    seniority: 'mid',
    bio: '',
    affinities: [],
    systemPrompt: '',
    styleGuidelines: '',
    model: 'offline',
    allowedTools: [],
    limits: null,
  };
}

/** The profile form, for hiring and for editing. The Api checks every field and names the wrong ones. */
export function AgentForm({
  initial,
  agents,
  managers,
  initialManager,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
  use,
}: {
  initial: AgentProfileRequest;
  agents: Agent[];
  managers?: ManagerOption[];
  initialManager?: number | null;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (profile: AgentProfileRequest, manager: number | null) => void;
  onCancel: () => void;
  /** What the agent has used so far, shown beside its budgets (editing only). */
  use?: AgentUse;
}) {
  const id = useId();
  const [profile, setProfile] = useState(initial);
  const [manager, setManager] = useState<number | null>(initialManager ?? null);
  // Lists are edited as text and split on save, so that a comma can be typed.
  const [affinities, setAffinities] = useState((initial.affinities ?? []).join(', '));
  const [webDomains, setWebDomains] = useState((initial.limits?.webDomains ?? []).join(', '));
  const [limitText, setLimitText] = useState({
    tokensPerDay: text(initial.limits?.tokensPerDay),
    tokensPerMonth: text(initial.limits?.tokensPerMonth),
    maxCost: text(initial.limits?.maxCost),
    maxConcurrentTasks: text(initial.limits?.maxConcurrentTasks ?? DEFAULT_MAX_CONCURRENT_TASKS),
    attemptTimeoutSeconds: text(initial.limits?.attemptTimeoutSeconds),
  });
  const [localErrors, setLocalErrors] = useState<Record<string, string[]>>({});
  const policy = useQuery({
    queryKey: companyPolicyKeys.current(),
    queryFn: ({ signal }) => fetchCompanyPolicy(signal),
  });
  const allowed = effectiveModels(policy.data);
  const departments = [...new Set(agents.map((a) => a.profile.department))].sort();
  // The models one may choose: the allowed ids, and the models of agents that the lists still allow.
  const models = [
    ...new Set([
      ...allowed.filter((m) => !m.includes('*')),
      ...agents.map((a) => a.profile.model).filter((m) => modelAllowedBy(m, allowed)),
    ]),
  ].sort();
  const currentModel = profile.model ?? '';
  const modelRefused = policy.data !== undefined && !modelAllowedBy(currentModel, allowed);
  const set = <K extends keyof AgentProfileRequest>(key: K, value: AgentProfileRequest[K]) =>
    setProfile((p) => ({ ...p, [key]: value }));
  const textOf = (
    key:
      | 'firstName'
      | 'lastName'
      | 'role'
      | 'department'
      | 'model'
      | 'bio'
      | 'systemPrompt'
      | 'styleGuidelines',
  ) => profile[key] ?? '';
  const errorsOf = (field: string) => localErrors[field] ?? fieldErrors(error, field);
  const webOn = profile.allowedTools?.includes('web') ?? false;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors: Record<string, string[]> = {};
    const number = (value: string, field: string) => {
      if (value.trim() === '') return null;
      const n = Number(value.trim());
      if (!Number.isFinite(n)) {
        errors[field] = ['Enter a number, or leave it empty for no limit.'];
        return null;
      }
      return n;
    };
    // Whole numbers; the Api judges the range and names the field when it refuses.
    const whole = (value: string, field: string, empty: string) => {
      if (value.trim() === '') return null;
      const n = Number(value.trim());
      if (!Number.isInteger(n)) {
        errors[field] = [`Enter a whole number${empty}.`];
        return null;
      }
      return n;
    };
    const concurrency = whole(
      limitText.maxConcurrentTasks,
      'limits.maxConcurrentTasks',
      ` (empty: ${DEFAULT_MAX_CONCURRENT_TASKS})`,
    );
    const limits = {
      ...(profile.limits ?? {}),
      tokensPerDay: number(limitText.tokensPerDay, 'limits.tokensPerDay'),
      tokensPerMonth: number(limitText.tokensPerMonth, 'limits.tokensPerMonth'),
      maxCost: number(limitText.maxCost, 'limits.maxCost'),
      maxConcurrentTasks: concurrency ?? DEFAULT_MAX_CONCURRENT_TASKS,
      attemptTimeoutSeconds: whole(
        limitText.attemptTimeoutSeconds,
        'limits.attemptTimeoutSeconds',
        ', or leave it empty for no limit',
      ),
      webDomains: splitList(webDomains),
    };
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) return;
    onSubmit({ ...profile, affinities: splitList(affinities), limits }, manager);
  };

  return (
    <form className="form" onSubmit={submit} aria-label={submitLabel}>
      <div className="form-grid">
        <TextField
          label="First name"
          value={textOf('firstName')}
          onChange={(v) => set('firstName', v)}
          errors={errorsOf('firstName')}
          autoFocus
        />
        <TextField
          label="Last name"
          value={textOf('lastName')}
          onChange={(v) => set('lastName', v)}
          errors={errorsOf('lastName')}
        />
        <TextField
          label="Role"
          value={textOf('role')}
          onChange={(v) => set('role', v)}
          errors={errorsOf('role')}
          placeholder="Developer, CTO, Sales Manager…"
        />
        <Field label="Department" errors={errorsOf('department')}>
          <input
            className="input"
            list={`${id}-departments`}
            value={textOf('department')}
            onChange={(e) => set('department', e.target.value)}
          />
          <datalist id={`${id}-departments`}>
            {departments.map((d) => (
              <option key={d} value={d} />
            ))}
          </datalist>
        </Field>
        <Field label="Seniority" errors={errorsOf('seniority')}>
          <select
            className="select"
            value={profile.seniority ?? 'mid'}
            onChange={(e) => set('seniority', e.target.value as AgentProfileRequest['seniority'])}
          >
            {seniorities.map((s) => (
              <option key={s} value={s}>
                {seniorityLabels[s] ?? s}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Model" errors={errorsOf('model')}>
          <select
            className="select mono"
            value={currentModel}
            aria-invalid={modelRefused || undefined}
            onChange={(e) => set('model', e.target.value)}
          >
            {!models.includes(currentModel) && (
              <option value={currentModel}>
                {currentModel}
                {modelRefused ? ' (no longer allowed)' : ''}
              </option>
            )}
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          {modelRefused && (
            <span className="field__error" data-testid="model-flag">
              The company no longer allows {currentModel}: choose another model.
            </span>
          )}
          {policy.data && <span className="field__hint">Allowed: {allowed.join(', ')}</span>}
        </Field>
      </div>
      {managers && (
        <Field label="Reports to">
          <select
            className="select"
            value={manager ?? ''}
            onChange={(e) => setManager(e.target.value === '' ? null : Number(e.target.value))}
          >
            {managers.map((m) => (
              <option key={m.id ?? 'ceo'} value={m.id ?? ''}>
                {m.label}
              </option>
            ))}
          </select>
          <span className="field__hint">
            The hierarchy rules decide whether this reporting line is allowed.
          </span>
        </Field>
      )}
      <fieldset className="field fieldset">
        <legend className="field__label">Budgets (empty: no limit of its own)</legend>
        <div className="form-grid">
          <TextField
            label="Tokens per day"
            inputMode="numeric"
            value={limitText.tokensPerDay}
            onChange={(v) => setLimitText((l) => ({ ...l, tokensPerDay: v }))}
            errors={errorsOf('limits.tokensPerDay')}
          />
          {use && <LimitUse label="Used today" value={use.tokensToday} kind="tokens" />}
          <TextField
            label="Tokens per month"
            inputMode="numeric"
            value={limitText.tokensPerMonth}
            onChange={(v) => setLimitText((l) => ({ ...l, tokensPerMonth: v }))}
            errors={errorsOf('limits.tokensPerMonth')}
          />
          {use && <LimitUse label="Used this month" value={use.tokensThisMonth} kind="tokens" />}
          <TextField
            label="Highest total cost (USD)"
            inputMode="decimal"
            value={limitText.maxCost}
            onChange={(v) => setLimitText((l) => ({ ...l, maxCost: v }))}
            errors={errorsOf('limits.maxCost')}
          />
          {use && <LimitUse label="Spent so far" value={use.costTotal} kind="usd" />}
        </div>
      </fieldset>
      <fieldset className="field fieldset">
        <legend className="field__label">Work at once</legend>
        <div className="form-grid">
          <TextField
            label="Tasks at once"
            inputMode="numeric"
            value={limitText.maxConcurrentTasks}
            onChange={(v) => setLimitText((l) => ({ ...l, maxConcurrentTasks: v }))}
            errors={errorsOf('limits.maxConcurrentTasks')}
          />
          <TextField
            label="Attempt time limit (seconds)"
            inputMode="numeric"
            placeholder="no limit"
            value={limitText.attemptTimeoutSeconds}
            onChange={(v) => setLimitText((l) => ({ ...l, attemptTimeoutSeconds: v }))}
            errors={errorsOf('limits.attemptTimeoutSeconds')}
          />
        </div>
        <span className="field__hint">
          Its other tasks wait in its queue, highest priority first, then oldest. An attempt that
          runs longer than the limit fails.
        </span>
      </fieldset>
      <fieldset className="field fieldset">
        <legend className="field__label">Tools</legend>
        <div className="row" style={{ flexWrap: 'wrap', gap: 14 }}>
          {tools.map((tool) => (
            <label key={tool.id} className="check-label">
              <input
                type="checkbox"
                checked={profile.allowedTools?.includes(tool.id) ?? false}
                onChange={(e) =>
                  set(
                    'allowedTools',
                    e.target.checked
                      ? [...(profile.allowedTools ?? []), tool.id]
                      : (profile.allowedTools ?? []).filter((t) => t !== tool.id),
                  )
                }
              />
              {tool.label}
            </label>
          ))}
        </div>
        {fieldErrors(error, 'allowedTools').map((m) => (
          <span key={m} className="field__error">
            {m}
          </span>
        ))}
      </fieldset>
      <TextField
        label="Web: allowed domains"
        value={webDomains}
        onChange={setWebDomains}
        disabled={!webOn}
        placeholder={webOn ? 'example.com, *.example.org' : 'switch the web tool on first'}
        errors={errorsOf('limits.webDomains')}
      />
      <TextField
        label="Affinities"
        value={affinities}
        onChange={setAffinities}
        placeholder="pricing, onboarding, security"
        errors={errorsOf('affinities')}
      />
      <TextAreaField
        label="Bio"
        rows={2}
        value={textOf('bio')}
        onChange={(value) => set('bio', value)}
        errors={errorsOf('bio')}
      />
      <TextAreaField
        label="System prompt"
        rows={4}
        value={textOf('systemPrompt')}
        onChange={(value) => set('systemPrompt', value)}
        placeholder="How this agent thinks and works."
        errors={errorsOf('systemPrompt')}
      />
      <TextAreaField
        label="Style guidelines"
        rows={3}
        value={textOf('styleGuidelines')}
        onChange={(value) => set('styleGuidelines', value)}
        placeholder="Tone, format and words to use or avoid."
        errors={errorsOf('styleGuidelines')}
      />
      {error !== null && error !== undefined && <ProblemAlert error={error} />}
      <div className="form__actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
