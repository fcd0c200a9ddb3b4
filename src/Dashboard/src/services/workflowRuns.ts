import { api, unwrap, type Schemas } from '../api/client';
import type { WorkflowEdge } from './workflows';

export type WorkflowRun = Schemas['WorkflowRunDto'];
export type WorkflowRunStep = Schemas['WorkflowRunStepDto'];

export const workflowRunKeys = {
  all: ['workflow-runs'] as const,
  list: (workflowId: number) => ['workflow-runs', 'list', workflowId] as const,
  detail: (runId: number) => ['workflow-runs', 'detail', runId] as const,
};

export function fetchWorkflowRuns(
  workflowId: number,
  signal?: AbortSignal,
): Promise<WorkflowRun[]> {
  return unwrap(
    api.GET('/api/workflows/{id}/runs', { params: { path: { id: workflowId } }, signal }),
    signal,
  );
}

export function fetchWorkflowRun(runId: number, signal?: AbortSignal): Promise<WorkflowRun> {
  return unwrap(
    api.GET('/api/workflow-runs/{id}', { params: { path: { id: runId } }, signal }),
    signal,
  );
}

/** Starts a run of the template's current version; 400 names each wrong input as `inputs.name`. */
export function startWorkflowRun(
  workflowId: number,
  inputs: Record<string, unknown>,
): Promise<WorkflowRun> {
  return unwrap(
    api.POST('/api/workflows/{id}/runs', {
      params: { path: { id: workflowId } },
      body: { inputs: inputs },
    }),
  );
}

export type RunCommand = 'pause' | 'resume' | 'cancel';

export function commandWorkflowRun(runId: number, command: RunCommand): Promise<WorkflowRun> {
  const params = { params: { path: { id: runId } } };
  switch (command) {
    case 'pause':
      return unwrap(api.POST('/api/workflow-runs/{id}/pause', params));
    case 'resume':
      return unwrap(api.POST('/api/workflow-runs/{id}/resume', params));
    case 'cancel':
      return unwrap(
        api.POST('/api/workflow-runs/{id}/cancel', { ...params, body: { reason: null } }),
      );
  }
}

export function retryWorkflowStep(runId: number, key: string): Promise<WorkflowRun> {
  return unwrap(
    api.POST('/api/workflow-runs/{id}/steps/{key}/retry', {
      params: { path: { id: runId, key } },
    }),
  );
}

export function skipWorkflowStep(
  runId: number,
  key: string,
  result: unknown,
): Promise<WorkflowRun> {
  return unwrap(
    api.POST('/api/workflow-runs/{id}/steps/{key}/skip', {
      params: { path: { id: runId, key } },
      body: { result: result },
    }),
  );
}

/** A run that can still change: the controls apply to it. */
export function isOpen(run: WorkflowRun): boolean {
  return run.status === 'running' || run.status === 'paused' || run.status === 'compensating';
}

export type InputType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';

/** One input a template declares, as the start form shows it. */
export interface WorkflowInputSpec {
  name: string;
  type: InputType;
  required: boolean;
  default: unknown;
  description: string | null;
}

const INPUT_TYPES: readonly string[] = [
  'string',
  'number',
  'integer',
  'boolean',
  'object',
  'array',
];

/** The inputs a saved definition declares (the server checked the definition when it was saved). */
export function inputsOf(definition: unknown): WorkflowInputSpec[] {
  const inputs = (definition as { inputs?: unknown } | null)?.inputs;
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) return [];
  return Object.entries(inputs as Record<string, Record<string, unknown> | null>).map(
    ([name, spec]) => ({
      name,
      type: (INPUT_TYPES.includes(String(spec?.type)) ? spec!.type : 'string') as InputType,
      required: spec?.required === true,
      default: spec?.default ?? null,
      description: typeof spec?.description === 'string' ? spec.description : null,
    }),
  );
}

/** What the form shows for an input before it is edited: its default, as text. */
export function initialText(input: WorkflowInputSpec): string {
  if (input.default === null || input.default === undefined) return '';
  return typeof input.default === 'string' ? input.default : JSON.stringify(input.default);
}

/**
 * The inputs to send from the form's texts: empty fields are left out (the server fills in the
 * defaults and names a missing required one); numbers, booleans, objects and arrays are read as
 * JSON and, when the text is not JSON, sent as typed so the server names the wrong type.
 */
export function inputsFromForm(
  specs: readonly WorkflowInputSpec[],
  texts: Record<string, string>,
): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const spec of specs) {
    const text = texts[spec.name] ?? '';
    if (spec.type !== 'string' && text.trim() === '') continue;
    if (spec.type === 'string') {
      if (text === '') continue;
      inputs[spec.name] = text;
      continue;
    }
    if (spec.type === 'boolean') {
      inputs[spec.name] = text === 'true' ? true : text === 'false' ? false : text;
      continue;
    }
    try {
      inputs[spec.name] = JSON.parse(text) as unknown;
    } catch {
      inputs[spec.name] = text;
    }
  }
  return inputs;
}

export interface DefinitionGraph {
  layers: string[][];
  edges: WorkflowEdge[];
  titles: Record<string, string>;
}

/**
 * The steps of a saved definition as the server's check lays them out: a step stands one layer
 * right of the deepest step it requires (a compensation right of the step it undoes); arrows for
 * "requires" and "compensates". Read from the version the run was started from, so a viewer (who
 * may not call the check) sees the same graph.
 */
export function graphOf(definition: unknown): DefinitionGraph {
  const raw = (definition as { steps?: unknown } | null)?.steps;
  const steps = (Array.isArray(raw) ? raw : []) as {
    id?: unknown;
    title?: unknown;
    requires?: unknown;
    compensateWith?: unknown;
  }[];
  const byId = new Map<string, (typeof steps)[number]>();
  for (const step of steps) if (typeof step?.id === 'string') byId.set(step.id, step);
  const requiresOf = (step: (typeof steps)[number]): string[] =>
    Array.isArray(step.requires)
      ? step.requires.filter((r): r is string => typeof r === 'string' && byId.has(r))
      : [];
  const compensated = new Map<string, string[]>();
  for (const [id, step] of byId) {
    if (typeof step.compensateWith === 'string' && byId.has(step.compensateWith)) {
      compensated.set(step.compensateWith, [...(compensated.get(step.compensateWith) ?? []), id]);
    }
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const before = [...requiresOf(byId.get(id)!), ...(compensated.get(id) ?? [])];
    const d = before.length === 0 ? 0 : Math.max(...before.map(depthOf)) + 1;
    depth.set(id, d);
    return d;
  };
  const layers: string[][] = [];
  for (const id of byId.keys()) (layers[depthOf(id)] ??= []).push(id);
  const edges: WorkflowEdge[] = [];
  for (const [id, step] of byId) {
    for (const r of requiresOf(step)) edges.push({ from: r, to: id, kind: 'requires' });
  }
  for (const [id, step] of byId) {
    if (typeof step.compensateWith === 'string' && byId.has(step.compensateWith))
      edges.push({ from: id, to: step.compensateWith, kind: 'compensates' });
  }
  const titles: Record<string, string> = {};
  for (const [id, step] of byId) if (typeof step.title === 'string') titles[id] = step.title;
  return { layers: layers.filter((l) => l !== undefined), edges, titles };
}
