import { api, unwrap, type Schemas } from '../api/client';

export type WorkflowTrigger = Schemas['WorkflowTriggerDto'];
export type CreatedWorkflowTrigger = Schemas['CreatedWorkflowTriggerDto'];
export type WorkflowTriggerFiring = Schemas['WorkflowTriggerFiringDto'];
export type WorkflowTriggerInput = Schemas['WorkflowTriggerInput'];

export const workflowTriggerKeys = {
  all: ['workflow-triggers'] as const,
  list: (workflowId: number) => ['workflow-triggers', 'list', workflowId] as const,
  firings: (triggerId: number) => ['workflow-triggers', 'firings', triggerId] as const,
};

/** How many firings a trigger shows, newest first. */
export const FIRINGS_SHOWN = 50;

export function fetchWorkflowTriggers(
  workflowId: number,
  signal?: AbortSignal,
): Promise<WorkflowTrigger[]> {
  return unwrap(
    api.GET('/api/workflows/{id}/triggers', { params: { path: { id: workflowId } }, signal }),
    signal,
  );
}

/** Adds a webhook trigger; the answer holds its secret, the only time it is shown. */
export function createWebhookTrigger(
  workflowId: number,
  input: WorkflowTriggerInput,
): Promise<CreatedWorkflowTrigger> {
  return unwrap(
    api.POST('/api/workflows/{id}/triggers', { params: { path: { id: workflowId } }, body: input }),
  );
}

/**
 * Switches a trigger on or off. The Api replaces name, enabled and replay window together, so the
 * trigger's other fields (those of a kind this dashboard does not create) are sent back as they are.
 */
export function setTriggerEnabled(
  trigger: WorkflowTrigger,
  enabled: boolean,
): Promise<WorkflowTrigger> {
  const body = {
    ...extraFields(trigger),
    name: trigger.name,
    enabled,
    replayWindowSeconds: trigger.replayWindowSeconds,
    secret: null,
  };
  return unwrap(api.PUT('/api/triggers/{id}', { params: { path: { id: trigger.id } }, body }));
}

/** Replaces the secret with a generated one, shown in this answer only. */
export function rotateTriggerSecret(id: number): Promise<CreatedWorkflowTrigger> {
  return unwrap(api.POST('/api/triggers/{id}/secret', { params: { path: { id } } }));
}

export async function deleteTrigger(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/triggers/{id}', { params: { path: { id } } }));
}

export function fetchTriggerFirings(
  id: number,
  signal?: AbortSignal,
): Promise<WorkflowTriggerFiring[]> {
  return unwrap(
    api.GET('/api/triggers/{id}/firings', {
      params: { path: { id }, query: { limit: FIRINGS_SHOWN } },
      signal,
    }),
    signal,
  );
}

/** Where another system posts its deliveries: this server's origin and the trigger's path. */
export function hookUrl(trigger: Pick<WorkflowTrigger, 'path'>, origin = location.origin): string {
  return `${origin}${trigger.path}`;
}

const knownFields = new Set<string>([
  'id',
  'workflowId',
  'kind',
  'name',
  'enabled',
  'replayWindowSeconds',
  'path',
  'createdBy',
  'createdAt',
  'updatedAt',
]);

/**
 * The fields of a trigger beyond those every trigger has (an event trigger's event type and
 * condition, say): shown as they are, read-only.
 */
export function extraFields(trigger: WorkflowTrigger): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(trigger as unknown as Record<string, unknown>).filter(
      ([key, value]) => !knownFields.has(key) && value !== undefined,
    ),
  );
}

/** A field's value as text: strings as they are, anything else as compact JSON. */
export function fieldText(value: unknown): string {
  if (value === null) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
