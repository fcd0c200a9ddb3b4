import { requestJson } from './http';

export const HEALTH_READY_PATH = '/health/ready';

export const healthStatuses = ['Healthy', 'Degraded', 'Unhealthy'] as const;
export type HealthStatus = (typeof healthStatuses)[number];

/** One entry of the readiness report, as written by the Api. */
export interface HealthCheck {
  name: string;
  status: HealthStatus;
  description?: string;
}

/** Wire shape of `GET /health/ready` (200 when ready, 503 when not). */
export interface HealthReport {
  status: HealthStatus;
  checks: HealthCheck[];
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHealthStatus(value: unknown): value is HealthStatus {
  return healthStatuses.some((status) => status === value);
}

function parseCheck(value: unknown, index: number): HealthCheck {
  if (!isObject(value) || typeof value.name !== 'string' || !isHealthStatus(value.status)) {
    throw new Error(`Health check #${index + 1} is malformed.`);
  }
  const { name, status, description } = value;
  return typeof description === 'string' ? { name, status, description } : { name, status };
}

export function parseHealthReport(body: unknown): HealthReport {
  if (!isObject(body) || !isHealthStatus(body.status)) {
    throw new Error('The health report has no recognised status.');
  }
  const checks = Array.isArray(body.checks) ? body.checks.map(parseCheck) : [];
  return { status: body.status, checks };
}

/** Fetches the readiness report; a 503 carrying a report is a result, not an error. */
export function fetchReadiness(signal?: AbortSignal): Promise<HealthReport> {
  return requestJson(HEALTH_READY_PATH, parseHealthReport, { signal, acceptStatuses: [503] });
}
