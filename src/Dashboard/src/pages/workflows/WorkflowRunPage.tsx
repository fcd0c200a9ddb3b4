import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, Pause, Play, RotateCcw, SkipForward, XCircle } from 'lucide-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { isCeo, useSession } from '../../app/session';
import { SkeletonRows } from '../../components/Loading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { formatUsd } from '../../services/costs';
import {
  commandWorkflowRun,
  fetchWorkflowRun,
  graphOf,
  isOpen,
  retryWorkflowStep,
  skipWorkflowStep,
  workflowRunKeys,
  type RunCommand,
  type WorkflowRun,
  type WorkflowRunStep,
} from '../../services/workflowRuns';
import { fetchWorkflowVersion, parseDefinition, workflowKeys } from '../../services/workflows';
import { WorkflowGraph, type StepMark } from './WorkflowGraph';
import { ONLY_CEO_RUNS, RunStatus } from './WorkflowRuns';
import './workflows.css';

/**
 * One workflow run: its steps as the template's graph, each node coloured by its step's status
 * and kept live by the run's events; a selected step shows its tasks, result or error; the CEO
 * pauses, resumes or cancels the run, retries a failed step or skips a step with a result.
 */
export function WorkflowRunPage() {
  const id = Number(useParams().runId);
  usePageTitle(`Workflow run #${id}`);
  const session = useSession();
  const reason = isCeo(session) ? undefined : ONLY_CEO_RUNS;
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: workflowRunKeys.detail(id),
    queryFn: ({ signal }) => fetchWorkflowRun(id, signal),
    enabled: Number.isInteger(id) && id > 0,
  });
  const version = useQuery({
    queryKey: workflowKeys.version(run.data?.workflowId ?? 0, run.data?.workflowVersion ?? 0),
    queryFn: ({ signal }) =>
      fetchWorkflowVersion(run.data!.workflowId, run.data!.workflowVersion, signal),
    enabled: run.data !== undefined,
    staleTime: Infinity,
  });
  const [selected, setSelected] = useState<string | null>(null);
  const applied = (next: WorkflowRun) => {
    queryClient.setQueryData(workflowRunKeys.detail(id), next);
    void queryClient.invalidateQueries({ queryKey: workflowRunKeys.list(next.workflowId) });
  };
  const command = useMutation({
    mutationFn: (what: RunCommand) => commandWorkflowRun(id, what),
    onSuccess: applied,
  });

  if (run.isPending && run.fetchStatus !== 'idle') {
    return (
      <div className="page">
        <SkeletonRows rows={4} columns={2} />
      </div>
    );
  }
  if (!run.data) {
    return (
      <div className="page">
        <ProblemAlert error={run.error ?? new Error(`There is no workflow run #${id}.`)} />
      </div>
    );
  }
  const r = run.data;
  const graph = version.data ? graphOf(version.data.definition) : null;
  const steps = new Map(r.steps.map((step) => [step.key, step]));
  const marks: Record<string, StepMark> = Object.fromEntries(
    r.steps.map((step) => [
      step.key,
      { status: step.status, attempt: step.attempt, cost: step.cost },
    ]),
  );
  const step = selected ? steps.get(selected) : undefined;
  const open = isOpen(r);

  return (
    <div className="page page--wide">
      <div className="stack" style={{ gap: 10 }}>
        <Link to="/workflows" className="back-link">
          <ArrowLeft size={15} aria-hidden="true" /> Workflows
        </Link>
        <div className="task-head">
          <div>
            <h1 className="task-head__title">
              Run #{r.id}
              {version.data && ` of ${version.data.name}`}
            </h1>
            <div className="row" style={{ flexWrap: 'wrap', marginTop: 8 }}>
              <span role="status" aria-label={`Run status: ${r.status}`}>
                <RunStatus status={r.status} />
              </span>
              <span className="muted small">
                version {r.workflowVersion} · started{' '}
                <RelativeTime value={r.createdAt} intervalMs={30_000} /> by {r.startedBy} · cost{' '}
                <span data-testid="run-cost">{formatUsd(r.cost, true)}</span>
              </span>
            </div>
          </div>
          <div className="row" style={{ gap: 8, flexWrap: 'wrap' }}>
            {r.status === 'paused' ? (
              <Tooltip text={reason}>
                <button
                  type="button"
                  className="button"
                  disabled={reason !== undefined || command.isPending}
                  onClick={() => command.mutate('resume')}
                >
                  <Play size={15} /> Resume
                </button>
              </Tooltip>
            ) : (
              <Tooltip text={reason}>
                <button
                  type="button"
                  className="button"
                  disabled={reason !== undefined || command.isPending || r.status !== 'running'}
                  onClick={() => command.mutate('pause')}
                >
                  <Pause size={15} /> Pause
                </button>
              </Tooltip>
            )}
            <Tooltip text={reason}>
              <button
                type="button"
                className="button button--ghost danger-text"
                disabled={reason !== undefined || command.isPending || !open}
                onClick={() => command.mutate('cancel')}
              >
                <XCircle size={15} /> Cancel run
              </button>
            </Tooltip>
          </div>
        </div>
        {r.error && (
          <div className="alert" role="note">
            <div className="alert__body">
              <p className="alert__title">{r.error}</p>
            </div>
          </div>
        )}
        {command.isError && <ProblemAlert error={command.error} />}
      </div>
      <div className="workflow-run">
        <section className="card card--padded" aria-labelledby="run-graph-title">
          <h2 id="run-graph-title" className="section-title">
            Steps
          </h2>
          {version.isError && <ProblemAlert error={version.error} />}
          {graph ? (
            <WorkflowGraph
              layers={graph.layers}
              edges={graph.edges}
              titles={graph.titles}
              marks={marks}
              selected={selected}
              onSelect={setSelected}
            />
          ) : (
            !version.isError && <SkeletonRows rows={2} columns={3} />
          )}
          <p className="muted small">Select a step to see its tasks, its result or its error.</p>
          <StepTable steps={r.steps} onSelect={setSelected} />
        </section>
        {step && (
          <StepPanel
            key={step.key}
            run={r}
            step={step}
            title={graph?.titles[step.key]}
            reason={reason}
            onApplied={applied}
          />
        )}
      </div>
    </div>
  );
}

function TaskLinks({ step }: { step: WorkflowRunStep }) {
  const ids = step.taskIds.length > 0 ? step.taskIds : step.taskId !== null ? [step.taskId] : [];
  if (ids.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {ids.map((taskId, i) => (
        <span key={taskId}>
          {i > 0 && ', '}
          <Link to={`/tasks/${taskId}`}>Task #{taskId}</Link>
        </span>
      ))}
    </>
  );
}

function StepTable({
  steps,
  onSelect,
}: {
  steps: WorkflowRunStep[];
  onSelect: (key: string) => void;
}) {
  return (
    <table className="table" aria-label="Run steps">
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Status</th>
          <th scope="col">Attempt</th>
          <th scope="col">Tasks</th>
          <th scope="col">Cost</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((step) => (
          <tr key={step.key} data-step-row={step.key}>
            <td>
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() => onSelect(step.key)}
              >
                {step.key}
              </button>
            </td>
            <td>{step.status}</td>
            <td>{step.attempt}</td>
            <td>
              <TaskLinks step={step} />
            </td>
            <td>{formatUsd(step.cost)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What a skipped step stands for, as the editor starts it: its result if it had one. */
function skipStarter(step: WorkflowRunStep): string {
  return step.result === null ? '{}' : JSON.stringify(step.result, null, 2);
}

function StepPanel({
  run,
  step,
  title,
  reason,
  onApplied,
}: {
  run: WorkflowRun;
  step: WorkflowRunStep;
  title?: string;
  reason?: string;
  onApplied: (run: WorkflowRun) => void;
}) {
  const [skipText, setSkipText] = useState(() => skipStarter(step));
  const [parseError, setParseError] = useState<string | null>(null);
  const retry = useMutation({
    mutationFn: () => retryWorkflowStep(run.id, step.key),
    onSuccess: onApplied,
  });
  const skip = useMutation({
    mutationFn: (result: unknown) => skipWorkflowStep(run.id, step.key, result),
    onSuccess: onApplied,
  });
  const retryable = step.status === 'failed' || step.status === 'cancelled';
  const skippable = step.status !== 'completed' && step.status !== 'skipped';
  const titleId = `run-step-${step.key}`;
  return (
    <section className="card card--padded" aria-labelledby={titleId}>
      <h2 id={titleId} className="section-title">
        Step {step.key}
        {title && ` · ${title}`}
      </h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="step-status">{step.status}</dd>
        <dt>Attempt</dt>
        <dd>{step.attempt}</dd>
        <dt>Tasks</dt>
        <dd>
          <TaskLinks step={step} />
        </dd>
        {step.agentId !== null && (
          <>
            <dt>Agent</dt>
            <dd>
              <Link to={`/agents/${step.agentId}/progress`}>Agent #{step.agentId}</Link>
            </dd>
          </>
        )}
        <dt>Cost</dt>
        <dd>{formatUsd(step.cost, true)}</dd>
      </dl>
      {step.error && (
        <div className="alert" role="note" aria-label="Step error">
          <div className="alert__body">
            <p className="alert__title">The step failed</p>
            <p className="alert__detail">{step.error}</p>
          </div>
        </div>
      )}
      {step.result !== null && (
        <>
          <h3 className="small">Result</h3>
          <pre className="mono small workflow-run__json" aria-label="Step result">
            {JSON.stringify(step.result, null, 2)}
          </pre>
        </>
      )}
      <div className="row" style={{ gap: 8, flexWrap: 'wrap' }}>
        <Tooltip text={reason}>
          <button
            type="button"
            className="button"
            disabled={reason !== undefined || retry.isPending || !retryable}
            onClick={() => retry.mutate()}
          >
            <RotateCcw size={15} /> Retry step
          </button>
        </Tooltip>
      </div>
      {retry.isError && <ProblemAlert error={retry.error} />}
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          const parsed = parseDefinition(skipText);
          if (!parsed.ok) {
            setParseError(parsed.error.replace('The definition', 'The result'));
            return;
          }
          setParseError(null);
          skip.mutate(parsed.value);
        }}
      >
        <label className="field">
          <span className="field__label">Result to skip with (JSON)</span>
          <textarea
            className="textarea mono"
            name="skip-result"
            rows={5}
            spellCheck={false}
            value={skipText}
            readOnly={reason !== undefined}
            onChange={(event) => setSkipText(event.target.value)}
          />
        </label>
        <div className="row">
          <Tooltip text={reason}>
            <button
              type="submit"
              className="button"
              disabled={reason !== undefined || skip.isPending || !skippable}
            >
              <SkipForward size={15} /> Skip step
            </button>
          </Tooltip>
        </div>
      </form>
      {parseError && (
        <div className="alert" role="alert">
          <div className="alert__body">
            <p className="alert__title">{parseError}</p>
          </div>
        </div>
      )}
      {skip.isError && <ProblemAlert error={skip.error} />}
    </section>
  );
}
