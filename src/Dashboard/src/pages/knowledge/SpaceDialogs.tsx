import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { Field, TextAreaField, TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { ProblemAlert } from '../../components/ProblemAlert';
import { fieldErrors, otherFieldErrors } from '../../components/problem';
import { useToast } from '../../components/Toasts';
import { agentName, type Agent } from '../../services/agents';
import {
  createSpace,
  deleteSpace,
  knowledgeKeys,
  spaceScopes,
  updateSpace,
  type KnowledgeSpace,
  type SpaceScope,
} from '../../services/knowledge';

const scopeHelp: Record<SpaceScope, string> = {
  company: 'Every agent may read it.',
  department: 'The agents of the department may read it.',
  project: 'Nobody may read it until you add rules.',
  agent: 'Only that agent reads and writes it.',
};

const scopeLabel: Record<SpaceScope, string> = {
  company: 'Company',
  department: 'Department',
  project: 'Project',
  agent: 'Agent',
};

/** Only the problems no field shows go to the alert: a refused field is named beside it. */
function RestOfProblem({ error, shown }: { error: unknown; shown: string[] }) {
  const rest = otherFieldErrors(error, shown);
  const hasFields =
    error !== null && typeof error === 'object' && 'errors' in error
      ? Object.keys((error as { errors: Record<string, string[]> }).errors).length > 0
      : false;
  if (hasFields && rest.length === 0) return null;
  return <ProblemAlert error={error} />;
}

export function NewSpaceDialog({
  open,
  agents,
  projects,
  onClose,
  onCreated,
}: {
  open: boolean;
  agents: Agent[];
  /** Projects that spaces already name, offered as choices. */
  projects: string[];
  onClose: () => void;
  onCreated: (space: KnowledgeSpace) => void;
}) {
  const queryClient = useQueryClient();
  const listId = useId();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [scope, setScope] = useState<SpaceScope>('company');
  const [scopeRef, setScopeRef] = useState('');
  const [agentId, setAgentId] = useState<number | null>(null);
  const create = useMutation({
    mutationFn: () =>
      createSpace({
        name: name.trim(),
        description: description.trim(),
        scope,
        scopeRef: scope === 'department' || scope === 'project' ? scopeRef : null,
        agentId: scope === 'agent' ? agentId : null,
      }),
    onSuccess: (space) => {
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
      setName('');
      setDescription('');
      setScope('company');
      setScopeRef('');
      setAgentId(null);
      create.reset();
      onCreated(space);
    },
  });
  const departments = [
    ...new Set(agents.map((a) => a.profile.department).filter((d): d is string => !!d)),
  ].sort();
  const error = create.isError ? create.error : null;
  return (
    <FormDialog
      open={open}
      onClose={() => {
        create.reset();
        onClose();
      }}
      title="New knowledge space"
      description={scopeHelp[scope]}
      submitLabel="Create space"
      pending={create.isPending}
      onSubmit={() => create.mutate()}
    >
      <TextField
        label="Name"
        value={name}
        onChange={setName}
        placeholder="Product handbook"
        errors={fieldErrors(error, 'name')}
        autoFocus
      />
      <TextAreaField
        label="Description"
        rows={2}
        value={description}
        onChange={setDescription}
        errors={fieldErrors(error, 'description')}
      />
      <Field label="Scope" errors={fieldErrors(error, 'scope')}>
        <select
          className="select"
          value={scope}
          onChange={(e) => setScope(e.target.value as SpaceScope)}
        >
          {spaceScopes.map((s) => (
            <option key={s} value={s}>
              {scopeLabel[s]}
            </option>
          ))}
        </select>
      </Field>
      {(scope === 'department' || scope === 'project') && (
        <>
          <TextField
            label={scope === 'department' ? 'Department' : 'Project'}
            value={scopeRef}
            onChange={setScopeRef}
            list={listId}
            errors={fieldErrors(error, 'scopeRef')}
          />
          <datalist id={listId}>
            {(scope === 'department' ? departments : projects).map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        </>
      )}
      {scope === 'agent' && (
        <Field label="Agent" errors={fieldErrors(error, 'agentId')}>
          <select
            className="select"
            value={agentId ?? ''}
            onChange={(e) => setAgentId(e.target.value === '' ? null : Number(e.target.value))}
          >
            <option value="">Choose an agent</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {agentName(a)} · {a.profile.role}
              </option>
            ))}
          </select>
        </Field>
      )}
      {error && (
        <RestOfProblem
          error={error}
          shown={['name', 'description', 'scope', 'scopeRef', 'agentId']}
        />
      )}
    </FormDialog>
  );
}

export function RenameSpaceDialog({
  space,
  open,
  onClose,
}: {
  space: KnowledgeSpace;
  open: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(space.name);
  const [description, setDescription] = useState(space.description);
  const rename = useMutation({
    mutationFn: () => updateSpace(space, name.trim(), description.trim()),
    onSuccess: (saved) => {
      toast({ tone: 'ok', title: 'Space saved', detail: saved.name });
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
      rename.reset();
      onClose();
    },
  });
  const error = rename.isError ? rename.error : null;
  return (
    <FormDialog
      open={open}
      onClose={() => {
        rename.reset();
        onClose();
      }}
      title={`Rename “${space.name}”`}
      submitLabel="Save"
      pending={rename.isPending}
      onSubmit={() => rename.mutate()}
    >
      <TextField
        label="Name"
        value={name}
        onChange={setName}
        errors={fieldErrors(error, 'name')}
        autoFocus
      />
      <TextAreaField
        label="Description"
        rows={2}
        value={description}
        onChange={setDescription}
        errors={fieldErrors(error, 'description')}
      />
      {error && <RestOfProblem error={error} shown={['name', 'description']} />}
    </FormDialog>
  );
}

export function DeleteSpaceDialog({
  space,
  open,
  onClose,
  onDeleted,
}: {
  space: KnowledgeSpace;
  open: boolean;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: () => deleteSpace(space),
    onSuccess: () => {
      toast({ tone: 'ok', title: 'Space deleted', detail: space.name });
      remove.reset();
      onDeleted();
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: knowledgeKeys.all }),
  });
  return (
    <Dialog
      open={open}
      onClose={() => {
        remove.reset();
        onClose();
      }}
      title={`Delete “${space.name}”?`}
      description={`Its ${space.documentCount} document${space.documentCount === 1 ? '' : 's'} and their passages go with it; agents no longer find them.`}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Keep it
          </button>
          <button
            type="button"
            className="button button--danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate()}
          >
            Delete space
          </button>
        </>
      }
    >
      {remove.isError && <ProblemAlert error={remove.error} />}
    </Dialog>
  );
}
