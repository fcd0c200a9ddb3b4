import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useNodesState,
  useReactFlow,
  useStore,
  type Edge,
  type NodeTypes,
} from '@xyflow/react';
import '@xyflow/react/dist/base.css';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeProblem } from '../../components/problem';
import { fetchCanManage, policyKeys, type OrgChart, type OrgNode } from '../../services/org';
import type { Theme } from '../../theme/theme';
import { departmentColour } from './departments';
import { bestDirection, layoutChart, matchesSearch, type Direction } from './layout';
import {
  LevelNode,
  SeatNode,
  type DropState,
  type LevelNodeType,
  type SeatNodeType,
} from './SeatNode';

const nodeTypes: NodeTypes = { seat: SeatNode, level: LevelNode };
const REFUSAL_MS = 6000;

type ChartNode = SeatNodeType | LevelNodeType;

interface DropTarget {
  seatId: string;
  manager: number | null;
  state: DropState;
  reason: string | null;
}

export interface OrgCanvasProps {
  chart: OrgChart;
  theme: Theme;
  working: Map<number, string>;
  search: string;
  department: string | null;
  selectedAgentId: number | null;
  canEdit: boolean;
  focusRequest: number;
  /** Top-down, left-right, or whichever shows the chart largest in the space there is. */
  direction: Direction | 'auto';
  onOpen: (seat: OrgNode) => void;
  /** Moves an agent (with its team) under a manager; rejects with the Api's refusal. */
  onMove: (agentId: number, manager: number | null) => Promise<void>;
}

function managerOf(node: OrgNode): number | null {
  return node.kind === 'ceo' ? null : node.agentId;
}

export function OrgCanvas(props: OrgCanvasProps) {
  const {
    chart,
    theme,
    working,
    search,
    department,
    selectedAgentId,
    canEdit,
    focusRequest,
    direction: wanted,
    onOpen,
    onMove,
  } = props;
  const queryClient = useQueryClient();
  const flow = useReactFlow<ChartNode, Edge>();
  const viewportWidth = useStore((state) => state.width);
  const viewportHeight = useStore((state) => state.height);
  const direction = useMemo(
    () =>
      wanted === 'auto'
        ? bestDirection(chart, { width: viewportWidth, height: viewportHeight })
        : wanted,
    [wanted, chart, viewportWidth, viewportHeight],
  );
  const layout = useMemo(() => layoutChart(chart, direction), [chart, direction]);

  useEffect(() => {
    const timer = setTimeout(
      () => void flow.fitView({ padding: 0.08, maxZoom: 1, duration: 250 }),
      60,
    );
    return () => clearTimeout(timer);
  }, [direction, flow]);
  const [target, setTarget] = useState<DropTarget | null>(null);
  const [refusal, setRefusal] = useState<{ seatId: string; text: string } | null>(null);
  const [epoch, setEpoch] = useState(0);
  const dragging = useRef<string | null>(null);

  useEffect(() => {
    if (!refusal) return;
    const timer = setTimeout(() => setRefusal(null), REFUSAL_MS);
    return () => clearTimeout(timer);
  }, [refusal]);

  const matches = useMemo(
    () => new Set(layout.seats.filter((s) => matchesSearch(s.node, search)).map((s) => s.id)),
    [layout, search],
  );
  const filtering = search.trim() !== '' || department !== null;

  const derived = useMemo<ChartNode[]>(() => {
    const seats: SeatNodeType[] = layout.seats.map((seat) => {
      const inDepartment =
        department === null || seat.node.kind === 'ceo' || seat.node.department === department;
      const matched = search.trim() === '' || matches.has(seat.id);
      const agentId = seat.node.agentId;
      return {
        id: seat.id,
        type: 'seat',
        position: { x: seat.x, y: seat.y },
        width: seat.width,
        height: seat.height,
        draggable: canEdit && seat.node.kind === 'agent',
        selectable: false,
        data: {
          seat: seat.node,
          working: agentId === null ? null : (working.get(agentId) ?? null),
          dimmed: filtering && !(inDepartment && matched),
          highlighted: search.trim() !== '' && matches.has(seat.id),
          selected: agentId !== null && agentId === selectedAgentId,
          direction,
          drop: target?.seatId === seat.id ? target.state : null,
          refusal:
            target?.seatId === seat.id && target.state === 'denied'
              ? target.reason
              : refusal?.seatId === seat.id
                ? refusal.text
                : null,
          onOpen,
        },
      };
    });
    const levels: LevelNodeType[] = layout.levels.map((level, index) => ({
      id: `level:${level.depth}`,
      type: 'level',
      position: { x: level.x, y: level.y - 12 },
      draggable: false,
      selectable: false,
      focusable: false,
      data: { level: level.level, top: index === 0 },
    }));
    return [...levels, ...seats];
  }, [
    layout,
    direction,
    working,
    search,
    matches,
    department,
    filtering,
    selectedAgentId,
    canEdit,
    target,
    refusal,
    onOpen,
  ]);

  const edges = useMemo<Edge[]>(
    () =>
      layout.seats
        .filter((seat) => seat.managerId !== null)
        .map((seat) => ({
          id: `${seat.managerId}->${seat.id}`,
          source: seat.managerId!,
          target: seat.id,
          type: 'smoothstep',
          pathOptions: { borderRadius: 14 },
          focusable: false,
          className: filtering && !matches.has(seat.id) ? 'org-edge org-edge--dimmed' : 'org-edge',
        })),
    [layout, filtering, matches],
  );

  const [nodes, setNodes, onNodesChange] = useNodesState<ChartNode>(derived);

  // New data or decorations: keep what the flow measured, and the position of a node being dragged.
  useEffect(() => {
    setNodes((previous) => {
      const known = new Map(previous.map((n) => [n.id, n]));
      return derived.map((node) => {
        const before = known.get(node.id);
        if (!before) return node;
        const position = dragging.current === node.id ? before.position : node.position;
        return { ...node, measured: before.measured, position };
      });
    });
  }, [derived, epoch, setNodes]);

  useEffect(() => {
    if (focusRequest === 0) return;
    const ids = [...matches].map((id) => ({ id }));
    if (ids.length > 0)
      void flow.fitView({ nodes: ids, duration: 350, maxZoom: 1.1, padding: 0.4 });
  }, [focusRequest, matches, flow]);

  const ask = useCallback(
    (manager: number | null, subordinate: number) =>
      queryClient.fetchQuery({
        queryKey: policyKeys.canManage(manager, subordinate),
        queryFn: ({ signal }) => fetchCanManage(manager, subordinate, signal),
        staleTime: 10_000,
      }),
    [queryClient],
  );

  const seatUnder = (node: ChartNode): SeatNodeType | undefined =>
    flow
      .getIntersectingNodes(node)
      .find((n): n is SeatNodeType => n.type === 'seat' && n.id !== node.id);

  return (
    <ReactFlow<ChartNode, Edge>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      colorMode={theme}
      fitView
      fitViewOptions={{ padding: 0.08, maxZoom: 1 }}
      minZoom={0.15}
      maxZoom={1.6}
      nodesConnectable={false}
      elementsSelectable={false}
      proOptions={{ hideAttribution: true }}
      onNodeDragStart={(_, node) => {
        dragging.current = node.id;
        setRefusal(null);
      }}
      onNodeDrag={(_, node) => {
        if (node.type !== 'seat') return;
        const subject = node.data.seat.agentId;
        const hit = seatUnder(node);
        if (!hit || subject === null) {
          setTarget(null);
          return;
        }
        if (target?.seatId === hit.id) return;
        const manager = managerOf(hit.data.seat);
        setTarget({ seatId: hit.id, manager, state: 'pending', reason: null });
        ask(manager, subject).then(
          (decision) =>
            setTarget((current) =>
              current?.seatId === hit.id
                ? {
                    ...current,
                    state: decision.allowed ? 'allowed' : 'denied',
                    reason: decision.allowed
                      ? null
                      : (decision.reason ?? 'A hierarchy rule forbids this.'),
                  }
                : current,
            ),
          () => undefined, // the move itself will say what is wrong
        );
      }}
      onNodeDragStop={(_, node) => {
        dragging.current = null;
        const drop = target;
        setTarget(null);
        setEpoch((e) => e + 1); // back to the laid-out place; a move re-lays the chart
        if (node.type !== 'seat' || !drop) return;
        const subject = node.data.seat.agentId;
        if (subject === null) return;
        const currentManager = layout.seats.find((s) => s.id === node.id)?.managerId;
        if (currentManager === drop.seatId) return;
        if (drop.state === 'denied') {
          setRefusal({
            seatId: drop.seatId,
            text: drop.reason ?? 'A hierarchy rule forbids this.',
          });
          return;
        }
        onMove(subject, drop.manager).catch((error: unknown) => {
          const problem = describeProblem(error);
          setRefusal({ seatId: drop.seatId, text: problem.detail ?? problem.title });
        });
      }}
    >
      <Background variant={BackgroundVariant.Dots} gap={22} size={1.2} />
      <Controls showInteractive={false} position="bottom-right" />
      <MiniMap
        position="bottom-left"
        pannable
        zoomable
        nodeColor={(node) =>
          node.type === 'seat'
            ? departmentColour((node as SeatNodeType).data.seat.department)
            : 'transparent'
        }
        nodeBorderRadius={8}
        style={{ width: 150, height: 96 }}
        className="hide-narrow"
      />
    </ReactFlow>
  );
}
