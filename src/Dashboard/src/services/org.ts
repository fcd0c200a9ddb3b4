import { api, unwrap, type Schemas } from '../api/client';

export type OrgChart = Schemas['OrgChartTree'];
export type OrgNode = Schemas['OrgChartNode'];
export type PolicyDecision = Schemas['PolicyDecision'];

export const orgChartQueryKey = ['org-chart'] as const;

export const policyKeys = {
  canManage: (manager: number | null, subordinate: number) =>
    ['policies', 'can-manage', manager, subordinate] as const,
};

export function fetchOrgChart(signal?: AbortSignal): Promise<OrgChart> {
  return unwrap(api.GET('/api/org/chart', { signal }), signal);
}

/** Asks the hierarchy rules whether an agent (with its team) could report to a manager (null: the CEO). */
export function fetchCanManage(
  manager: number | null,
  subordinate: number,
  signal?: AbortSignal,
): Promise<PolicyDecision> {
  const query = manager === null ? { subordinate } : { manager, subordinate };
  return unwrap(api.GET('/api/policies/can-manage', { params: { query }, signal }), signal);
}

export async function moveAgent(
  agentId: number,
  newManagerAgentId: number | null,
  expectedVersion: number,
): Promise<void> {
  await unwrap(
    api.POST('/api/org/move', { body: { agentId, newManagerAgentId, expectedVersion } }),
  );
}

export async function placeAgent(
  subordinateAgentId: number,
  managerAgentId: number | null,
  expectedVersion: number,
): Promise<void> {
  await unwrap(
    api.POST('/api/org/edges', { body: { subordinateAgentId, managerAgentId, expectedVersion } }),
  );
}

/** Every seat of the tree, top-down, with its manager (null for the CEO seat and its reports' parent). */
export function flatten(root: OrgNode): { node: OrgNode; parent: OrgNode | null }[] {
  const out: { node: OrgNode; parent: OrgNode | null }[] = [];
  const walk = (node: OrgNode, parent: OrgNode | null) => {
    out.push({ node, parent });
    node.reports.forEach((child) => walk(child, node));
  };
  walk(root, null);
  return out;
}

/** Moves a seat (with its reports) under another one: the optimistic picture of a drag and drop. */
export function withMove(chart: OrgChart, agentId: number, newManager: number | null): OrgChart {
  let moved: OrgNode | undefined;
  const remove = (node: OrgNode): OrgNode => ({
    ...node,
    reports: node.reports
      .filter((child) => {
        if (child.agentId === agentId) {
          moved = child;
          return false;
        }
        return true;
      })
      .map(remove),
  });
  const pruned = remove(chart.root);
  if (!moved) return chart;
  const subject = moved;
  const insert = (node: OrgNode): OrgNode => {
    const isTarget = newManager === null ? node.kind === 'ceo' : node.agentId === newManager;
    const reports = node.reports.map(insert);
    return { ...node, reports: isTarget ? [...reports, subject] : reports };
  };
  return { ...chart, root: insert(pruned) };
}
