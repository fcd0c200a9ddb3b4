import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Play } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { SkeletonRows } from '../../components/Loading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { Tooltip } from '../../components/Tooltip';
import { formatUsd } from '../../services/costs';
import { ApiError } from '../../services/http';
import {
  fetchWorkflowRuns,
  initialText,
  inputsFromForm,
  inputsOf,
  startWorkflowRun,
  workflowRunKeys,
  type WorkflowInputSpec,
} from '../../services/workflowRuns';
import type { Workflow } from '../../services/workflows';

export const ONLY_CEO_RUNS = 'Only the CEO starts and steers workflow runs.';

/** A run's status as a badge. */
export function RunStatus({ status }: { status: string }) {
  const tone =
    status === 'completed'
      ? 'badge--ok'
      : status === 'failed'
        ? 'badge--bad'
        : status === 'paused' || status === 'cancelled' || status === 'compensating'
          ? 'badge--warn'
          : 'badge--info';
  return <span className={`badge ${tone}`}>{status}</span>;
}

/** Start a run of the template (a field per declared input), and its runs, newest first. */
export function WorkflowRuns({ workflow, reason }: { workflow: Workflow; reason?: string }) {
  const runs = useQuery({
    queryKey: workflowRunKeys.list(workflow.id),
    queryFn: ({ signal }) => fetchWorkflowRuns(workflow.id, signal),
  });
  return (
    <section className="card card--padded" aria-labelledby="workflow-runs-title">
      <h2 id="workflow-runs-title" className="section-title">
        Runs
      </h2>
      <StartRunForm
        key={`${workflow.id}:${workflow.version}`}
        workflow={workflow}
        reason={reason}
      />
      {runs.isPending && <SkeletonRows rows={2} columns={3} />}
      {runs.isError && <ProblemAlert error={runs.error} />}
      {runs.data?.length === 0 && <p className="muted small">No run yet.</p>}
      {runs.data && runs.data.length > 0 && (
        <table className="table" aria-label="Runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((run) => (
              <tr key={run.id}>
                <td>
                  <Link to={`/workflows/runs/${run.id}`}>Run #{run.id}</Link>
                  <span className="muted small"> · v{run.workflowVersion}</span>
                </td>
                <td>
                  <RunStatus status={run.status} />
                </td>
                <td>
                  <RelativeTime value={run.createdAt} intervalMs={60_000} />
                </td>
                <td>{formatUsd(run.cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function StartRunForm({ workflow, reason }: { workflow: Workflow; reason?: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const specs = inputsOf(workflow.definition);
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(specs.map((spec) => [spec.name, initialText(spec)])),
  );
  const start = useMutation({
    mutationFn: () => startWorkflowRun(workflow.id, inputsFromForm(specs, texts)),
    onSuccess: (run) => {
      void queryClient.invalidateQueries({ queryKey: workflowRunKeys.list(workflow.id) });
      void navigate(`/workflows/runs/${run.id}`);
    },
  });
  const fieldErrors = start.error instanceof ApiError ? start.error.errors : {};
  const named = new Set(specs.map((spec) => `inputs.${spec.name}`));
  const otherErrors = Object.entries(fieldErrors).filter(([field]) => !named.has(field));
  return (
    <form
      className="workflow-runs__form"
      aria-label="Start a run"
      onSubmit={(event) => {
        event.preventDefault();
        start.mutate();
      }}
    >
      {specs.map((spec) => (
        <InputField
          key={spec.name}
          spec={spec}
          value={texts[spec.name] ?? ''}
          errors={fieldErrors[`inputs.${spec.name}`] ?? []}
          disabled={reason !== undefined}
          onChange={(value) => setTexts((current) => ({ ...current, [spec.name]: value }))}
        />
      ))}
      {specs.length === 0 && <p className="muted small">This template takes no inputs.</p>}
      <div className="row">
        <Tooltip text={reason}>
          <button
            type="submit"
            className="button button--primary"
            disabled={reason !== undefined || start.isPending}
          >
            <Play size={15} /> Start a run
          </button>
        </Tooltip>
      </div>
      {start.isError &&
        (otherErrors.length > 0 || Object.keys(fieldErrors).length === 0) &&
        (otherErrors.length > 0 ? (
          <div className="alert" role="alert">
            <div className="alert__body">
              <p className="alert__title">The server refused the inputs</p>
              <ul className="alert__list">
                {otherErrors.flatMap(([field, messages]) =>
                  messages.map((message) => (
                    <li key={`${field}:${message}`}>
                      <code>{field}</code>: {message}
                    </li>
                  )),
                )}
              </ul>
            </div>
          </div>
        ) : (
          <ProblemAlert error={start.error} />
        ))}
    </form>
  );
}

function InputField({
  spec,
  value,
  errors,
  disabled,
  onChange,
}: {
  spec: WorkflowInputSpec;
  value: string;
  errors: string[];
  disabled: boolean;
  onChange: (value: string) => void;
}) {
  const id = `run-input-${spec.name}`;
  const errorId = `${id}-error`;
  const label = `${spec.name} (${spec.type}${spec.required ? ', required' : ''})`;
  const common = {
    id,
    name: spec.name,
    disabled,
    'aria-invalid': errors.length > 0 ? true : undefined,
    'aria-describedby': errors.length > 0 ? errorId : undefined,
  };
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {spec.type === 'boolean' ? (
        <select
          {...common}
          className="select"
          value={value}
          onChange={(event) => onChange(event.target.value)}
        >
          <option value="">(default)</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : spec.type === 'object' || spec.type === 'array' ? (
        <textarea
          {...common}
          className="textarea mono"
          rows={3}
          spellCheck={false}
          placeholder={spec.type === 'object' ? '{ }' : '[ ]'}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      ) : (
        <input
          {...common}
          className="input"
          inputMode={spec.type === 'string' ? undefined : 'decimal'}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      {spec.description && <span className="muted small">{spec.description}</span>}
      {errors.length > 0 && (
        <span id={errorId} className="field__error" role="alert">
          <code>inputs.{spec.name}</code>: {errors.join('; ')}
        </span>
      )}
    </div>
  );
}
