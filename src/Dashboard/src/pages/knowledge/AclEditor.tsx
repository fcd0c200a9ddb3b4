import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus, Save, Trash2 } from 'lucide-react';
import { useId, useState } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { agentName, type Agent } from '../../services/agents';
import { ApiError } from '../../services/http';
import {
  knowledgeKeys,
  principalKinds,
  setAcl,
  type AclPrincipalKind,
  type AclRule,
  type KnowledgeSpace,
} from '../../services/knowledge';

const kindLabel: Record<AclPrincipalKind, string> = {
  everyone: 'Everyone',
  agent: 'Agent',
  role: 'Role',
  department: 'Department',
};

/** The Api's messages about rule i ("rules[2].name" → under that row), in words. */
export function ruleErrors(error: unknown, index: number): string[] {
  if (!(error instanceof ApiError)) return [];
  const prefix = `rules[${index}]`;
  return Object.entries(error.errors)
    .filter(([field]) => field === prefix || field.startsWith(`${prefix}.`))
    .flatMap(([field, messages]) => {
      const part = field.slice(prefix.length + 1);
      const label = part === 'agentId' ? 'Agent' : part === 'name' ? 'Name' : '';
      return messages.map((m) => (label ? `${label} ${m}.` : `${m}.`));
    });
}

/** A rule as the editor holds it: an agent rule without its agent yet, a name being typed. */
function changeKind(rule: AclRule, kind: AclPrincipalKind): AclRule {
  return { kind, canRead: rule.canRead, canWrite: rule.canWrite, name: null, agentId: null };
}

/**
 * The space's ACL as rows of principal kind, principal, read and write: rows are added and removed
 * in the browser, and Save replaces the space's rules at the Api (which checks them and names the
 * rule it refuses). The editor starts over from the space whenever the space changes.
 */
export function AclEditor({
  space,
  agents,
  canEdit,
  reason,
}: {
  space: KnowledgeSpace;
  agents: Agent[];
  canEdit: boolean;
  reason?: string;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const listId = useId();
  const [rules, setRules] = useState<AclRule[]>(() => space.acl.map((r) => ({ ...r })));
  const save = useMutation({
    mutationFn: () => setAcl(space, rules),
    onSuccess: () => {
      toast({ tone: 'ok', title: 'Access saved', detail: space.name });
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
    },
  });
  const disabled = !canEdit;
  const update = (index: number, change: (rule: AclRule) => AclRule) =>
    setRules((current) => current.map((r, i) => (i === index ? change(r) : r)));
  const names = (kind: 'role' | 'department') =>
    [
      ...new Set(
        agents
          .map((a) => (kind === 'role' ? a.profile.role : a.profile.department))
          .filter((v): v is string => !!v),
      ),
    ].sort();

  return (
    <section className="stack" aria-label="Access">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h3>Who may read and write</h3>
        <span className="row">
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--small"
              disabled={disabled}
              onClick={() =>
                setRules((current) => [
                  ...current,
                  { kind: 'department', name: '', agentId: null, canRead: true, canWrite: false },
                ])
              }
            >
              <Plus size={14} /> Add rule
            </button>
          </Tooltip>
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--primary button--small"
              disabled={disabled || save.isPending}
              onClick={() => save.mutate()}
            >
              <Save size={14} /> {save.isPending ? 'Saving…' : 'Save access'}
            </button>
          </Tooltip>
        </span>
      </div>
      {rules.length === 0 ? (
        <p className="small muted">No rule: no agent may read this space.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Who</th>
                <th scope="col">Principal</th>
                <th scope="col">Read</th>
                <th scope="col">Write</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rules.map((rule, index) => {
                const n = index + 1;
                const errors = save.isError ? ruleErrors(save.error, index) : [];
                return (
                  <tr key={index} data-testid="acl-rule">
                    <td>
                      <select
                        className="select"
                        aria-label={`Rule ${n} kind`}
                        value={rule.kind}
                        disabled={disabled}
                        onChange={(e) =>
                          update(index, (r) => changeKind(r, e.target.value as AclPrincipalKind))
                        }
                      >
                        {principalKinds.map((kind) => (
                          <option key={kind} value={kind}>
                            {kindLabel[kind]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      {rule.kind === 'everyone' && <span className="muted">every agent</span>}
                      {rule.kind === 'agent' && (
                        <select
                          className="select"
                          aria-label={`Rule ${n} agent`}
                          value={rule.agentId ?? ''}
                          disabled={disabled}
                          onChange={(e) =>
                            update(index, (r) => ({
                              ...r,
                              agentId: e.target.value === '' ? null : Number(e.target.value),
                            }))
                          }
                        >
                          <option value="">Choose an agent</option>
                          {agents.map((a) => (
                            <option key={a.id} value={a.id}>
                              {agentName(a)} · {a.profile.role}
                            </option>
                          ))}
                        </select>
                      )}
                      {(rule.kind === 'role' || rule.kind === 'department') && (
                        <>
                          <input
                            className="input"
                            aria-label={`Rule ${n} ${rule.kind}`}
                            list={`${listId}-${rule.kind}`}
                            value={rule.name ?? ''}
                            disabled={disabled}
                            aria-invalid={errors.length > 0 ? true : undefined}
                            onChange={(e) => update(index, (r) => ({ ...r, name: e.target.value }))}
                          />
                          <datalist id={`${listId}-${rule.kind}`}>
                            {names(rule.kind).map((v) => (
                              <option key={v} value={v} />
                            ))}
                          </datalist>
                        </>
                      )}
                      {errors.map((message) => (
                        <span key={message} className="field__error" data-testid="field-error">
                          {message}
                        </span>
                      ))}
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Rule ${n} may read`}
                        checked={rule.canRead}
                        disabled={disabled}
                        onChange={(e) =>
                          update(index, (r) => ({ ...r, canRead: e.target.checked }))
                        }
                      />
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Rule ${n} may write`}
                        checked={rule.canWrite}
                        disabled={disabled}
                        onChange={(e) =>
                          update(index, (r) => ({ ...r, canWrite: e.target.checked }))
                        }
                      />
                    </td>
                    <td>
                      <Tooltip text={reason}>
                        <button
                          type="button"
                          className="button button--ghost button--small danger-text"
                          aria-label={`Remove rule ${n}`}
                          disabled={disabled}
                          onClick={() =>
                            setRules((current) => current.filter((_, i) => i !== index))
                          }
                        >
                          <Trash2 size={14} />
                        </button>
                      </Tooltip>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {save.isError && Object.keys(errorsOf(save.error)).every((f) => !f.startsWith('rules[')) && (
        <ProblemAlert error={save.error} />
      )}
      {save.isError && Object.keys(errorsOf(save.error)).some((f) => f.startsWith('rules[')) && (
        <p className="small danger-text" role="alert">
          Some rules need a change: see the messages beside them.
        </p>
      )}
    </section>
  );
}

function errorsOf(error: unknown): Record<string, string[]> {
  return error instanceof ApiError ? error.errors : {};
}
