import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CheckCircle2, FilePlus2, GitBranch, Save, Trash2 } from 'lucide-react';
import { useEffect, useState } from 'react';
import { isCeo, useSession } from '../../app/session';
import { EmptyState } from '../../components/EmptyState';
import { SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { ApiError } from '../../services/http';
import {
  checkWorkflow,
  createWorkflow,
  deleteWorkflow,
  fetchWorkflowVersion,
  fetchWorkflowVersions,
  fetchWorkflows,
  formatDefinition,
  parseDefinition,
  updateWorkflow,
  workflowKeys,
  type Workflow,
  type WorkflowCheck,
} from '../../services/workflows';
import { WorkflowGraph } from './WorkflowGraph';
import { ONLY_CEO_RUNS, WorkflowRuns } from './WorkflowRuns';
import { ONLY_CEO_TRIGGERS, WorkflowTriggers } from './WorkflowTriggers';
import './workflows.css';

const ONLY_CEO = 'Only the CEO writes workflow templates.';

const starter = {
  description: 'What the workflow does.',
  inputs: { topic: { type: 'string', required: true } },
  steps: [
    {
      id: 'draft',
      agent: { department: 'Marketing' },
      title: 'Draft: ${inputs.topic}',
      brief: 'Write a first draft about ${inputs.topic}.',
    },
  ],
};

interface Draft {
  /** null: a new template. */
  id: number | null;
  name: string;
  text: string;
  /** The version the text was loaded from (sent back as expectedVersion). */
  baseVersion: number | null;
  /** When the text is an older version loaded for reading or restoring. */
  fromVersion: number | null;
}

function draftOf(workflow: Workflow): Draft {
  return {
    id: workflow.id,
    name: workflow.name,
    text: formatDefinition(workflow.definition),
    baseVersion: workflow.version,
    fromVersion: null,
  };
}

/** Step titles by id, read from the definition for the graph's labels (nothing when it is not one). */
function titlesOf(definition: unknown): Record<string, string> {
  const titles: Record<string, string> = {};
  const steps = (definition as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return titles;
  for (const step of steps as { id?: unknown; title?: unknown }[]) {
    if (typeof step?.id === 'string' && typeof step.title === 'string')
      titles[step.id] = step.title;
  }
  return titles;
}

/**
 * Workflow templates: the list, a JSON editor checked by the server (each wrong field named, in
 * its words), the steps as a graph, and the saved versions. Every save is a new version.
 */
export function WorkflowsPage() {
  usePageTitle('Workflows');
  const session = useSession();
  const reason = isCeo(session) ? undefined : ONLY_CEO;
  const workflows = useQuery({
    queryKey: workflowKeys.list(),
    queryFn: ({ signal }) => fetchWorkflows(signal),
  });
  const [draft, setDraft] = useState<Draft | null>(null);

  return (
    <div className="page">
      <PageHeader
        title="Workflows"
        description="Templates of work in steps: who does each step, what it needs from the steps before, and what undoes it when a later step fails."
        actions={
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--primary"
              disabled={reason !== undefined}
              onClick={() =>
                setDraft({
                  id: null,
                  name: '',
                  text: formatDefinition(starter),
                  baseVersion: null,
                  fromVersion: null,
                })
              }
            >
              <FilePlus2 size={16} /> New template
            </button>
          </Tooltip>
        }
      />
      <div className="workflows">
        <section className="card" aria-labelledby="workflow-list-title">
          <div className="card__header">
            <h2 id="workflow-list-title">Templates</h2>
          </div>
          {workflows.isPending && <SkeletonRows rows={3} columns={1} />}
          {workflows.isError && <ProblemAlert error={workflows.error} />}
          {workflows.data?.length === 0 && (
            <EmptyState icon={<GitBranch size={22} />} title="No template yet">
              Write one with “New template”.
            </EmptyState>
          )}
          {workflows.data && workflows.data.length > 0 && (
            <ul className="workflow-list" aria-label="Workflow templates">
              {workflows.data.map((workflow) => (
                <li key={workflow.id}>
                  <button
                    type="button"
                    className="workflow-list__item"
                    aria-current={draft?.id === workflow.id ? 'true' : undefined}
                    onClick={() => setDraft(draftOf(workflow))}
                  >
                    <span className="workflow-list__name">{workflow.name}</span>
                    <span className="muted small">
                      v{workflow.version} · {workflow.stepCount} steps
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        {draft ? (
          <Editor
            key={`${draft.id ?? 'new'}:${draft.baseVersion ?? 0}:${draft.fromVersion ?? 0}`}
            draft={draft}
            saved={workflows.data?.find((w) => w.id === draft.id)}
            reason={reason}
            onSaved={(workflow) => setDraft(draftOf(workflow))}
            onLoad={setDraft}
            onDeleted={() => setDraft(null)}
          />
        ) : (
          <section className="card">
            <EmptyState icon={<GitBranch size={22} />} title="Pick a template">
              Its definition, its steps as a graph and its versions appear here.
            </EmptyState>
          </section>
        )}
      </div>
    </div>
  );
}

function Editor({
  draft,
  saved,
  reason,
  onSaved,
  onLoad,
  onDeleted,
}: {
  draft: Draft;
  /** The template as saved (its runs start from its current version). */
  saved?: Workflow;
  reason?: string;
  onSaved: (workflow: Workflow) => void;
  onLoad: (draft: Draft) => void;
  onDeleted: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(draft.name);
  const [text, setText] = useState(draft.text);
  const [parseError, setParseError] = useState<string | null>(null);
  const [shape, setShape] = useState<{
    check: WorkflowCheck;
    titles: Record<string, string>;
  } | null>(null);
  const parsed = () => {
    const result = parseDefinition(text);
    setParseError(result.ok ? null : result.error);
    return result;
  };
  const check = useMutation({
    mutationFn: (definition: unknown) => checkWorkflow(definition),
    onSuccess: (result, definition) => setShape({ check: result, titles: titlesOf(definition) }),
    onError: () => setShape(null),
  });
  const save = useMutation({
    mutationFn: (definition: unknown) =>
      draft.id === null
        ? createWorkflow(name.trim(), definition)
        : updateWorkflow(draft.id, name.trim(), definition, draft.baseVersion!),
    onSuccess: (workflow) => {
      void queryClient.invalidateQueries({ queryKey: workflowKeys.all });
      toast({ tone: 'ok', title: `Saved “${workflow.name}” as version ${workflow.version}` });
      onSaved(workflow);
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteWorkflow(draft.id!),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: workflowKeys.all });
      onDeleted();
    },
  });
  // The graph of what was loaded: the CEO's check draws it (a viewer reads the JSON).
  const { mutate: runCheck } = check;
  useEffect(() => {
    if (reason !== undefined) return;
    const result = parseDefinition(draft.text);
    if (result.ok) runCheck(result.value);
  }, [draft.text, reason, runCheck]);
  const error = parseError ?? null;
  const titleId = 'workflow-editor-title';

  return (
    <div className="stack">
      <section className="card card--padded" aria-labelledby={titleId}>
        <h2 id={titleId} className="section-title">
          {draft.id === null
            ? 'New template'
            : draft.fromVersion !== null
              ? `${draft.name} · version ${draft.fromVersion} (saving makes it the newest)`
              : `${draft.name} · version ${draft.baseVersion}`}
        </h2>
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            const result = parsed();
            if (result.ok) save.mutate(result.value);
          }}
        >
          <label className="field">
            <span className="field__label">Name</span>
            <input
              className="input"
              name="workflow-name"
              value={name}
              disabled={reason !== undefined}
              onChange={(event) => setName(event.target.value)}
            />
          </label>
          <label className="field">
            <span className="field__label">Definition (JSON)</span>
            <textarea
              className="textarea mono workflow-editor"
              name="workflow-definition"
              rows={18}
              spellCheck={false}
              value={text}
              readOnly={reason !== undefined}
              onChange={(event) => setText(event.target.value)}
            />
          </label>
          <div className="row" style={{ gap: 8, flexWrap: 'wrap' }}>
            <Tooltip text={reason}>
              <button
                type="button"
                className="button"
                disabled={reason !== undefined || check.isPending}
                onClick={() => {
                  const result = parsed();
                  if (result.ok) check.mutate(result.value);
                  else setShape(null);
                }}
              >
                <CheckCircle2 size={15} /> Check
              </button>
            </Tooltip>
            <Tooltip text={reason}>
              <button
                type="submit"
                className="button button--primary"
                disabled={reason !== undefined || save.isPending}
              >
                <Save size={15} /> {draft.id === null ? 'Create' : 'Save as a new version'}
              </button>
            </Tooltip>
            {draft.id !== null && (
              <Tooltip text={reason}>
                <button
                  type="button"
                  className="button button--ghost danger-text"
                  disabled={reason !== undefined || remove.isPending}
                  onClick={() => remove.mutate()}
                >
                  <Trash2 size={15} /> Delete
                </button>
              </Tooltip>
            )}
          </div>
        </form>
        {error && (
          <div className="alert" role="alert">
            <div className="alert__body">
              <p className="alert__title">{error}</p>
            </div>
          </div>
        )}
        {check.isError && <DefinitionProblem error={check.error} />}
        {save.isError && <DefinitionProblem error={save.error} />}
        {remove.isError && <ProblemAlert error={remove.error} />}
        {check.isSuccess && !error && (
          <p className="small" role="status">
            The definition is valid: {check.data.layers.flat().length} steps
            {check.data.inputs.length > 0 && `, inputs ${check.data.inputs.join(', ')}`}.
          </p>
        )}
      </section>
      {shape && (
        <section className="card card--padded" aria-labelledby="workflow-graph-title">
          <h2 id="workflow-graph-title" className="section-title">
            Steps
          </h2>
          <WorkflowGraph
            layers={shape.check.layers}
            edges={shape.check.edges}
            titles={shape.titles}
          />
          <p className="muted small">
            Solid arrows: the step needs the one before. Dashed: the step undoes the other when a
            later step fails.
          </p>
        </section>
      )}
      {saved && <WorkflowRuns workflow={saved} reason={reason && ONLY_CEO_RUNS} />}
      {saved && <WorkflowTriggers workflowId={saved.id} reason={reason && ONLY_CEO_TRIGGERS} />}
      {draft.id !== null && (
        <Versions
          id={draft.id}
          name={draft.name}
          baseVersion={draft.baseVersion!}
          onLoad={onLoad}
        />
      )}
    </div>
  );
}

/**
 * A refused definition: each wrong field by its path in the definition (which step, which key),
 * in the server's words; any other problem as usual.
 */
function DefinitionProblem({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || Object.keys(error.errors).length === 0)
    return <ProblemAlert error={error} />;
  return (
    <div className="alert" role="alert">
      <div className="alert__body">
        <p className="alert__title">The server refused the definition</p>
        <ul className="alert__list" aria-label="Validation errors">
          {Object.entries(error.errors).flatMap(([field, messages]) =>
            messages.map((message) => (
              <li key={`${field}:${message}`}>
                <code>{field}</code>: {message}
              </li>
            )),
          )}
        </ul>
      </div>
    </div>
  );
}

function Versions({
  id,
  name,
  baseVersion,
  onLoad,
}: {
  id: number;
  name: string;
  baseVersion: number;
  onLoad: (draft: Draft) => void;
}) {
  const queryClient = useQueryClient();
  const versions = useQuery({
    queryKey: workflowKeys.versions(id),
    queryFn: ({ signal }) => fetchWorkflowVersions(id, signal),
  });
  const open = useMutation({
    mutationFn: (version: number) =>
      queryClient.fetchQuery({
        queryKey: workflowKeys.version(id, version),
        queryFn: ({ signal }) => fetchWorkflowVersion(id, version, signal),
      }),
    onSuccess: (version) =>
      onLoad({
        id,
        name,
        text: formatDefinition(version.definition),
        baseVersion,
        fromVersion: version.version === baseVersion ? null : version.version,
      }),
  });
  return (
    <section className="card card--padded" aria-labelledby="workflow-versions-title">
      <h2 id="workflow-versions-title" className="section-title">
        Versions
      </h2>
      {versions.isPending && <SkeletonRows rows={2} columns={2} />}
      {versions.isError && <ProblemAlert error={versions.error} />}
      {versions.data && (
        <ul className="mini-list" aria-label="Versions">
          {versions.data.map((version) => (
            <li key={version.version}>
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() => open.mutate(version.version)}
              >
                Version {version.version}
                {version.version === baseVersion && ' (current)'}
              </button>
              <span className="muted small">
                <RelativeTime value={version.createdAt} intervalMs={60_000} />
              </span>
            </li>
          ))}
        </ul>
      )}
      {open.isError && <ProblemAlert error={open.error} />}
    </section>
  );
}
