import { api, unwrap, type Schemas } from '../api/client';

export type Workflow = Schemas['WorkflowDto'];
export type WorkflowVersion = Schemas['WorkflowVersionDto'];
export type WorkflowCheck = Schemas['WorkflowCheckDto'];
export type WorkflowEdge = Schemas['WorkflowEdgeDto'];

export const workflowKeys = {
  all: ['workflows'] as const,
  list: () => ['workflows', 'list'] as const,
  versions: (id: number) => ['workflows', 'detail', id, 'versions'] as const,
  version: (id: number, version: number) =>
    ['workflows', 'detail', id, 'versions', version] as const,
};

export function fetchWorkflows(signal?: AbortSignal): Promise<Workflow[]> {
  return unwrap(api.GET('/api/workflows', { signal }), signal);
}

export function fetchWorkflowVersions(
  id: number,
  signal?: AbortSignal,
): Promise<WorkflowVersion[]> {
  return unwrap(
    api.GET('/api/workflows/{id}/versions', { params: { path: { id } }, signal }),
    signal,
  );
}

export function fetchWorkflowVersion(
  id: number,
  version: number,
  signal?: AbortSignal,
): Promise<WorkflowVersion> {
  return unwrap(
    api.GET('/api/workflows/{id}/versions/{version}', {
      params: { path: { id, version } },
      signal,
    }),
    signal,
  );
}

/** The server's check of a definition: 400 names each wrong field; 200 gives the graph's layers. */
export function checkWorkflow(definition: unknown, signal?: AbortSignal): Promise<WorkflowCheck> {
  return unwrap(api.POST('/api/workflows/check', { body: { definition }, signal }), signal);
}

export function createWorkflow(name: string, definition: unknown): Promise<Workflow> {
  return unwrap(api.POST('/api/workflows', { body: { name, definition, expectedVersion: null } }));
}

/** Saves a new version; 412 when someone saved another since `expectedVersion`. */
export function updateWorkflow(
  id: number,
  name: string,
  definition: unknown,
  expectedVersion: number,
): Promise<Workflow> {
  return unwrap(
    api.PUT('/api/workflows/{id}', {
      params: { path: { id } },
      body: { name, definition, expectedVersion },
    }),
  );
}

export async function deleteWorkflow(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/workflows/{id}', { params: { path: { id } } }));
}

/** The definition as the editor shows it. */
export function formatDefinition(definition: unknown): string {
  return JSON.stringify(definition, null, 2);
}

/** Parses the editor's text; the error says where the JSON is wrong. */
export function parseDefinition(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      error: `The definition is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
