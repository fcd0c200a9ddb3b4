import { api, unwrap, type Schemas } from '../api/client';

export type CostReport = Schemas['CostReportDto'];
export type CostRow = Schemas['CostRowDto'];
export type CostGroupBy = Schemas['CostGroupBy'];
export type Budget = Schemas['CompanyBudgetDto'];

export const costKeys = {
  all: ['costs'] as const,
  report: (groupBy: CostGroupBy, from: string, to: string) =>
    ['costs', 'report', groupBy, from, to] as const,
  budget: () => ['costs', 'budget'] as const,
};

export function fetchCosts(
  groupBy: CostGroupBy,
  from: string,
  to: string,
  signal?: AbortSignal,
): Promise<CostReport> {
  return unwrap(
    api.GET('/api/costs', { params: { query: { groupBy, from, to } }, signal }),
    signal,
  );
}

export function fetchBudget(signal?: AbortSignal): Promise<Budget> {
  return unwrap(api.GET('/api/costs/budget', { signal }), signal);
}

export function setBudget(monthlyLimit: number | null): Promise<Budget> {
  return unwrap(api.PUT('/api/costs/budget', { body: { monthlyLimit } }));
}

const usd = new Intl.NumberFormat(undefined, {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 4,
});
const usdShort = new Intl.NumberFormat(undefined, {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 2,
});

export function formatUsd(amount: number, precise = false): string {
  return (precise || (amount > 0 && amount < 0.01) ? usd : usdShort).format(amount);
}

/** An UTC day as the Api wants it: 2026-11-21. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
