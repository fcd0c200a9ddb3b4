import { describe, expect, it } from 'vitest';
import { withMove, type OrgChart, type OrgNode } from '../../services/org';
import { bestDirection, layoutChart, matchesSearch, seatId } from './layout';

function agent(
  id: number,
  name: string,
  department: string,
  reports: OrgNode[] = [],
  depth = 1,
): OrgNode {
  return {
    kind: 'agent',
    agentId: id,
    name,
    role: 'Developer',
    department,
    seniority: 'mid',
    status: 'active',
    avatarArtifactId: null,
    level: 0,
    depth,
    reports,
  };
}

function chart(reports: OrgNode[]): OrgChart {
  return {
    companyId: 1,
    version: 3,
    asOf: '2026-01-01T00:00:00Z',
    levels: 3,
    unplaced: [],
    root: {
      kind: 'ceo',
      agentId: null,
      name: 'CEO',
      role: 'CEO',
      department: null,
      seniority: null,
      status: null,
      avatarArtifactId: null,
      level: 2,
      depth: 0,
      reports,
    },
  };
}

const sample = chart([
  agent(1, 'Ada Okafor', 'Engineering', [
    agent(2, 'Marek Novak', 'Engineering', [], 2),
    agent(3, 'Hana Sato', 'Engineering', [], 2),
  ]),
  agent(4, 'Rafael Costa', 'Sales'),
]);

describe('layoutChart', () => {
  it('puts each depth on its own row, top down, with managers above their reports', () => {
    const { seats, levels } = layoutChart(sample, 'TB');
    const y = (id: string) => seats.find((s) => s.id === id)!.y;
    expect(y('ceo')).toBeLessThan(y('agent:1'));
    expect(y('agent:1')).toBe(y('agent:4'));
    expect(y('agent:2')).toBe(y('agent:3'));
    expect(y('agent:1')).toBeLessThan(y('agent:2'));
    expect(levels.map((l) => l.depth)).toEqual([0, 1, 2]);
    expect(seats.find((s) => s.id === 'agent:2')!.managerId).toBe('agent:1');
  });

  it('puts each depth in its own column, left to right', () => {
    const { seats } = layoutChart(sample, 'LR');
    const x = (id: string) => seats.find((s) => s.id === id)!.x;
    expect(x('ceo')).toBeLessThan(x('agent:1'));
    expect(x('agent:1')).toBeLessThan(x('agent:2'));
  });

  it('picks the direction in which a wide chart reads largest', () => {
    const wide = chart(Array.from({ length: 12 }, (_, i) => agent(10 + i, `Agent ${i}`, 'Sales')));
    expect(bestDirection(wide, { width: 400, height: 900 })).toBe('LR');
    expect(bestDirection(sample, { width: 1200, height: 800 })).toBe('TB');
  });
});

describe('withMove', () => {
  it('moves an agent with its whole team under the new manager', () => {
    const moved = withMove(sample, 1, 4);
    const rafael = moved.root.reports.find((n) => n.agentId === 4)!;
    expect(moved.root.reports.map((n) => n.agentId)).toEqual([4]);
    expect(rafael.reports.map((n) => n.agentId)).toEqual([1]);
    expect(rafael.reports[0]!.reports.map((n) => n.agentId)).toEqual([2, 3]);
  });

  it('moves an agent up to the CEO seat', () => {
    const moved = withMove(sample, 2, null);
    expect(moved.root.reports.map((n) => n.agentId)).toEqual([1, 4, 2]);
  });

  it('leaves the chart alone for an agent it does not hold', () => {
    expect(withMove(sample, 99, 1)).toBe(sample);
  });
});

describe('matchesSearch', () => {
  it('matches every word against name, role and department', () => {
    const marek = agent(2, 'Marek Novak', 'Engineering');
    expect(matchesSearch(marek, 'marek')).toBe(true);
    expect(matchesSearch(marek, 'novak developer')).toBe(true);
    expect(matchesSearch(marek, 'sales')).toBe(false);
    expect(matchesSearch(marek, '   ')).toBe(false);
  });

  it('names the CEO seat and agents apart', () => {
    expect(seatId(sample.root)).toBe('ceo');
    expect(seatId(agent(7, 'x', 'y'))).toBe('agent:7');
  });
});
