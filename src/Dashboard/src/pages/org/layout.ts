import dagre from '@dagrejs/dagre';
import type { OrgChart, OrgNode } from '../../services/org';

export const AGENT_WIDTH = 236;
export const AGENT_HEIGHT = 74;
export const CEO_WIDTH = 220;
export const CEO_HEIGHT = 64;
const LEVEL_GUTTER = 120;

export interface SeatLayout {
  /** "ceo" or "agent:7". */
  id: string;
  node: OrgNode;
  managerId: string | null;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LevelLayout {
  level: number;
  depth: number;
  y: number;
  x: number;
}

export type Direction = 'TB' | 'LR';

export interface ChartLayout {
  direction: Direction;
  seats: SeatLayout[];
  levels: LevelLayout[];
  width: number;
  height: number;
}

export function seatId(node: Pick<OrgNode, 'kind' | 'agentId'>): string {
  return node.kind === 'ceo' || node.agentId === null ? 'ceo' : `agent:${node.agentId}`;
}

/**
 * Lays the tree out with dagre: one row (top-down) or column (left-right) per depth, the chart's
 * levels, managers centred on their reports so that forks read at a glance. Positions are the
 * top-left corners.
 */
export function layoutChart(chart: OrgChart, direction: Direction = 'TB'): ChartLayout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({
    rankdir: direction,
    nodesep: direction === 'TB' ? 22 : 16,
    ranksep: direction === 'TB' ? 64 : 80,
    marginx: 0,
    marginy: 0,
  });
  graph.setDefaultEdgeLabel(() => ({}));

  const seats = new Map<string, { node: OrgNode; managerId: string | null }>();
  const walk = (node: OrgNode, managerId: string | null) => {
    const id = seatId(node);
    if (seats.has(id)) return; // a malformed tree never loops the layout
    seats.set(id, { node, managerId });
    const ceo = node.kind === 'ceo';
    graph.setNode(id, {
      width: ceo ? CEO_WIDTH : AGENT_WIDTH,
      height: ceo ? CEO_HEIGHT : AGENT_HEIGHT,
    });
    if (managerId) graph.setEdge(managerId, id);
    node.reports.forEach((child) => walk(child, id));
  };
  walk(chart.root, null);
  dagre.layout(graph);

  const laid: SeatLayout[] = [];
  for (const [id, { node, managerId }] of seats) {
    const box = graph.node(id) as { x: number; y: number; width: number; height: number };
    laid.push({
      id,
      node,
      managerId,
      width: box.width,
      height: box.height,
      x: box.x - box.width / 2,
      y: box.y - box.height / 2,
    });
  }

  const minX = Math.min(...laid.map((s) => s.x));
  const minY = Math.min(...laid.map((s) => s.y));
  const width = Math.max(...laid.map((s) => s.x + s.width)) - minX;
  const height = Math.max(...laid.map((s) => s.y + s.height)) - minY;
  const rows = new Map<number, LevelLayout>();
  for (const seat of laid) {
    if (rows.has(seat.node.depth)) continue;
    rows.set(
      seat.node.depth,
      direction === 'TB'
        ? {
            level: seat.node.level,
            depth: seat.node.depth,
            x: minX - LEVEL_GUTTER,
            y: seat.y + seat.height / 2,
          }
        : { level: seat.node.level, depth: seat.node.depth, x: seat.x + 16, y: minY - 36 },
    );
  }
  return {
    direction,
    seats: laid,
    levels: [...rows.values()].sort((a, b) => a.depth - b.depth),
    width: width + (direction === 'TB' ? LEVEL_GUTTER : 0),
    height: height + (direction === 'LR' ? 36 : 0),
  };
}

/** The direction in which the chart reads largest in a viewport of this shape. */
export function bestDirection(
  chart: OrgChart,
  viewport: { width: number; height: number },
): Direction {
  if (viewport.width <= 0 || viewport.height <= 0) return 'TB';
  const scale = (layout: ChartLayout) =>
    Math.min(viewport.width / layout.width, viewport.height / layout.height);
  const topDown = scale(layoutChart(chart, 'TB'));
  const leftRight = scale(layoutChart(chart, 'LR'));
  // Top-down is how org charts are read: prefer it unless left-right is clearly larger.
  return leftRight > topDown * 1.2 ? 'LR' : 'TB';
}

/** Seats whose name, role or department contains the words searched for. */
export function matchesSearch(node: OrgNode, search: string): boolean {
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return false;
  const text = [node.name, node.role, node.department].filter(Boolean).join(' ').toLowerCase();
  return words.every((word) => text.includes(word));
}
