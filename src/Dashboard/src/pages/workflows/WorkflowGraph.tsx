import { formatUsd } from '../../services/costs';
import type { WorkflowEdge } from '../../services/workflows';

const NODE_W = 180;
const NODE_H = 48;
/** A run's step shows a third line: its status, attempt and cost. */
const RUN_NODE_H = 66;
const GAP_X = 64;
const GAP_Y = 20;
const PAD = 12;

export interface PlacedNode {
  id: string;
  x: number;
  y: number;
}

export interface PlacedEdge extends WorkflowEdge {
  path: string;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/**
 * Places the steps in the server's layers, left to right (a step stands right of every step it
 * requires), each layer centred on the tallest, and draws each arrow as a curve from the right
 * edge of one step to the left edge of the other.
 */
export function layoutGraph(
  layers: string[][],
  edges: WorkflowEdge[],
  nodeHeight: number = NODE_H,
): GraphLayout {
  const tallest = Math.max(1, ...layers.map((layer) => layer.length));
  const height = PAD * 2 + tallest * nodeHeight + (tallest - 1) * GAP_Y;
  const nodes: PlacedNode[] = [];
  layers.forEach((layer, column) => {
    const span = layer.length * nodeHeight + (layer.length - 1) * GAP_Y;
    const top = (height - span) / 2;
    layer.forEach((id, row) => {
      nodes.push({ id, x: PAD + column * (NODE_W + GAP_X), y: top + row * (nodeHeight + GAP_Y) });
    });
  });
  const at = new Map(nodes.map((n) => [n.id, n]));
  const placed: PlacedEdge[] = [];
  for (const edge of edges) {
    const from = at.get(edge.from);
    const to = at.get(edge.to);
    if (!from || !to) continue;
    const x1 = from.x + NODE_W;
    const y1 = from.y + nodeHeight / 2;
    const x2 = to.x;
    const y2 = to.y + nodeHeight / 2;
    const bend = Math.max(24, Math.abs(x2 - x1) / 2);
    placed.push({
      ...edge,
      path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
    });
  }
  const width = PAD * 2 + layers.length * NODE_W + Math.max(0, layers.length - 1) * GAP_X;
  return { width, height, nodes, edges: placed };
}

function markText(mark: StepMark | undefined): string {
  if (!mark) return 'pending';
  const parts = [mark.status];
  if (mark.attempt > 1) parts.push(`attempt ${mark.attempt}`);
  if (mark.cost > 0) parts.push(formatUsd(mark.cost));
  return parts.join(' · ');
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** How a step of a run stands, drawn on its node (colour by status, and in words). */
export interface StepMark {
  status: string;
  attempt: number;
  cost: number;
}

/**
 * The workflow's steps as a graph: solid arrows for "requires", dashed for "compensates". With
 * `marks` (a run), each node shows its step's status, attempt and cost, and a click selects it.
 */
export function WorkflowGraph({
  layers,
  edges,
  titles,
  marks,
  selected,
  onSelect,
}: {
  layers: string[][];
  edges: WorkflowEdge[];
  titles: Record<string, string>;
  marks?: Record<string, StepMark>;
  selected?: string | null;
  onSelect?: (id: string) => void;
}) {
  const nodeH = marks ? RUN_NODE_H : NODE_H;
  const layout = layoutGraph(layers, edges, nodeH);
  return (
    <div className="workflow-graph">
      <svg
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        // Selectable steps are controls: a group of them, not one picture.
        role={onSelect ? 'group' : 'img'}
        aria-label={`Steps of the workflow: ${layers.map((l) => l.join(' and ')).join(', then ')}`}
      >
        <defs>
          <marker
            id="workflow-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" className="workflow-graph__arrow" />
          </marker>
        </defs>
        {layout.edges.map((edge) => (
          <path
            key={`${edge.from}>${edge.to}:${edge.kind}`}
            d={edge.path}
            className={
              edge.kind === 'compensates'
                ? 'workflow-graph__edge workflow-graph__edge--compensates'
                : 'workflow-graph__edge'
            }
            markerEnd="url(#workflow-arrow)"
            data-edge={`${edge.from}>${edge.to}`}
          >
            <title>
              {edge.kind === 'compensates'
                ? `${edge.to} undoes ${edge.from}`
                : `${edge.to} requires ${edge.from}`}
            </title>
          </path>
        ))}
        {layout.nodes.map((node) => (
          <g
            key={node.id}
            transform={`translate(${node.x},${node.y})`}
            data-step={node.id}
            data-status={marks?.[node.id]?.status}
            className={
              marks
                ? `workflow-graph__step workflow-graph__step--${marks[node.id]?.status ?? 'pending'}`
                : undefined
            }
            role={onSelect ? 'button' : undefined}
            tabIndex={onSelect ? 0 : undefined}
            aria-pressed={onSelect ? selected === node.id : undefined}
            aria-label={
              onSelect ? `Step ${node.id}: ${marks?.[node.id]?.status ?? 'pending'}` : undefined
            }
            onClick={onSelect ? () => onSelect(node.id) : undefined}
            onKeyDown={
              onSelect
                ? (event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      onSelect(node.id);
                    }
                  }
                : undefined
            }
          >
            <title>{titles[node.id] ? `${node.id}: ${titles[node.id]}` : node.id}</title>
            <rect
              width={NODE_W}
              height={nodeH}
              rx={10}
              className={
                selected === node.id
                  ? 'workflow-graph__node workflow-graph__node--selected'
                  : 'workflow-graph__node'
              }
            />
            <text x={12} y={20} className="workflow-graph__id">
              {shorten(node.id, 22)}
            </text>
            {titles[node.id] && (
              <text x={12} y={37} className="workflow-graph__title">
                {shorten(titles[node.id]!, 28)}
              </text>
            )}
            {marks && (
              <text x={12} y={55} className="workflow-graph__status">
                {markText(marks[node.id])}
              </text>
            )}
          </g>
        ))}
      </svg>
    </div>
  );
}
