import { useId, useState, type FormEvent } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import { seniorities, type Agent, type AgentProfileRequest } from '../../services/agents';
import { Field, TextAreaField } from '../../components/Field';

const tools = [
  { id: 'rag', label: 'Knowledge search' },
  { id: 'sql', label: 'SQL queries' },
  { id: 'web', label: 'Web' },
  { id: 'email', label: 'E-mail (send_email)' },
];

const seniorityLabels: Record<string, string> = {
  junior: 'Junior',
  mid: 'Mid-level',
  senior: 'Senior',
  lead: 'Lead',
  principal: 'Principal',
  executive: 'Executive',
};

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
}) {
  const id = useId();
  const [profile, setProfile] = useState(initial);
  const [manager, setManager] = useState<number | null>(initialManager ?? null);
  const departments = [...new Set(agents.map((a) => a.profile.department))].sort();
  const models = [...new Set(['offline', ...agents.map((a) => a.profile.model)])].sort();
  const set = <K extends keyof AgentProfileRequest>(key: K, value: AgentProfileRequest[K]) =>
    setProfile((p) => ({ ...p, [key]: value }));
  const text = (
    key: 'firstName' | 'lastName' | 'role' | 'department' | 'model' | 'bio' | 'systemPrompt',
  ) => profile[key] ?? '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(profile, manager);
  };

  return (
    <form className="form" onSubmit={submit} aria-label={submitLabel}>
      <div className="form-grid">
        <Field label="First name">
          <input
            className="input"
            value={text('firstName')}
            onChange={(e) => set('firstName', e.target.value)}
            autoFocus
          />
        </Field>
        <Field label="Last name">
          <input
            className="input"
            value={text('lastName')}
            onChange={(e) => set('lastName', e.target.value)}
          />
        </Field>
        <Field label="Role">
          <input
            className="input"
            value={text('role')}
            onChange={(e) => set('role', e.target.value)}
            placeholder="Developer, CTO, Sales Manager…"
          />
        </Field>
        <Field label="Department">
          <input
            className="input"
            list={`${id}-departments`}
            value={text('department')}
            onChange={(e) => set('department', e.target.value)}
          />
          <datalist id={`${id}-departments`}>
            {departments.map((d) => (
              <option key={d} value={d} />
            ))}
          </datalist>
        </Field>
        <Field label="Seniority">
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
        <Field label="Model">
          <input
            className="input"
            list={`${id}-models`}
            value={text('model')}
            onChange={(e) => set('model', e.target.value)}
          />
          <datalist id={`${id}-models`}>
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
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
      </fieldset>
      <TextAreaField
        label="Bio"
        rows={2}
        value={text('bio')}
        onChange={(value) => set('bio', value)}
      />
      <TextAreaField
        label="System prompt"
        rows={4}
        value={text('systemPrompt')}
        onChange={(value) => set('systemPrompt', value)}
        placeholder="How this agent thinks and works."
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
