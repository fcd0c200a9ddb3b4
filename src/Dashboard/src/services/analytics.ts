import { api, unwrap, type Schemas } from '../api/client';

export type AnalyticsReport = Schemas['AnalyticsReportDto'];
export type AnalyticsRow = Schemas['AnalyticsRowDto'];
export type AnalyticsGroupBy = Schemas['AnalyticsGroupBy'];

export const analyticsKeys = {
  all: ['analytics'] as const,
  report: (groupBy: AnalyticsGroupBy, from: string, to: string) =>
    ['analytics', groupBy, from, to] as const,
};

export const analyticsGroupLabels: Record<AnalyticsGroupBy, string> = {
  agent: 'By agent',
  department: 'By department',
  project: 'By project',
  day: 'By day',
};

export function fetchAnalytics(
  groupBy: AnalyticsGroupBy,
  from: string,
  to: string,
  signal?: AbortSignal,
): Promise<AnalyticsReport> {
  return unwrap(
    api.GET('/api/analytics', { params: { query: { groupBy, from, to } }, signal }),
    signal,
  );
}

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(rate < 0.1 ? 1 : 0)}%`;
}
