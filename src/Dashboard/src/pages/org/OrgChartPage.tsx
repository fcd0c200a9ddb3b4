import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import {
  ArrowDownNarrowWide,
  ArrowRightLeft,
  Network,
  Search,
  Sparkles,
  UserPlus,
} from 'lucide-react';
import { useCallback, useMemo, useState, type CSSProperties } from 'react';
import { isCeo, useSession } from '../../app/session';
import { EmptyState } from '../../components/EmptyState';
import { LoadingBlock } from '../../components/Loading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { agentKeys, agentName, fetchAgents } from '../../services/agents';
import {
  fetchOrgChart,
  flatten,
  moveAgent,
  orgChartQueryKey,
  placeAgent,
  withMove,
  type OrgChart,
  type OrgNode,
} from '../../services/org';
import { fetchTasks, taskKeys } from '../../services/tasks';
import { resolveTheme, useThemePreference } from '../../theme/theme';
import { AgentPanel, type PanelMode } from './AgentPanel';
import { departmentColour } from './departments';
import type { Direction } from './layout';
import { OrgCanvas } from './OrgCanvas';

const runningFilter = { status: 'running' as const };

const layouts: { value: Direction | 'auto'; label: string; icon: typeof Sparkles }[] = [
  { value: 'auto', label: 'Best fit', icon: Sparkles },
  { value: 'TB', label: 'Top down', icon: ArrowDownNarrowWide },
  { value: 'LR', label: 'Left to right', icon: ArrowRightLeft },
];

export function OrgChartPage() {
  usePageTitle('Org chart');
  const session = useSession();
  const canEdit = isCeo(session);
  const queryClient = useQueryClient();
  const [preference] = useThemePreference();
  const theme = resolveTheme(preference);
  const [search, setSearch] = useState('');
  const [department, setDepartment] = useState<string | null>(null);
  const [panel, setPanel] = useState<PanelMode | null>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const [direction, setDirection] = useState<Direction | 'auto'>('auto');

  const chart = useQuery({
    queryKey: orgChartQueryKey,
    queryFn: ({ signal }) => fetchOrgChart(signal),
  });
  const agents = useQuery({
    queryKey: agentKeys.list(),
    queryFn: ({ signal }) => fetchAgents(signal),
  });
  const running = useQuery({
    queryKey: taskKeys.list(runningFilter),
    queryFn: ({ signal }) => fetchTasks(runningFilter, signal),
  });

  const working = useMemo(() => {
    const map = new Map<number, string>();
    for (const task of running.data ?? []) {
      if (task.assigneeAgentId != null && !map.has(task.assigneeAgentId))
        map.set(task.assigneeAgentId, task.title);
    }
    return map;
  }, [running.data]);

  const departments = useMemo(() => {
    const counts = new Map<string, number>();
    for (const { node } of chart.data ? flatten(chart.data.root) : []) {
      if (node.department) counts.set(node.department, (counts.get(node.department) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1]);
  }, [chart.data]);

  // A move shows at once; the Api's refusal puts the chart back and is shown where it was dropped.
  const move = useMutation({
    mutationFn: ({
      agentId,
      manager,
      version,
    }: {
      agentId: number;
      manager: number | null;
      version: number;
    }) => moveAgent(agentId, manager, version),
    onMutate: async ({ agentId, manager }) => {
      await queryClient.cancelQueries({ queryKey: orgChartQueryKey });
      const previous = queryClient.getQueryData<OrgChart>(orgChartQueryKey);
      if (previous)
        queryClient.setQueryData(orgChartQueryKey, withMove(previous, agentId, manager));
      return { previous };
    },
    onError: (_error, _variables, context) => {
      if (context?.previous) queryClient.setQueryData(orgChartQueryKey, context.previous);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: orgChartQueryKey });
      void queryClient.invalidateQueries({ queryKey: agentKeys.all });
    },
  });

  const onMove = useCallback(
    async (agentId: number, manager: number | null) => {
      const current = queryClient.getQueryData<OrgChart>(orgChartQueryKey);
      if (!current) return;
      const placed = flatten(current.root).some(({ node }) => node.agentId === agentId);
      if (placed) await move.mutateAsync({ agentId, manager, version: current.version });
      else {
        await placeAgent(agentId, manager, current.version);
        void queryClient.invalidateQueries({ queryKey: orgChartQueryKey });
      }
    },
    [move, queryClient],
  );

  const onOpen = useCallback((seat: OrgNode) => {
    if (seat.kind === 'ceo' || seat.agentId === null) setPanel(null);
    else setPanel({ kind: 'view', agentId: seat.agentId });
  }, []);

  const selectedAgentId = panel && panel.kind !== 'create' ? panel.agentId : null;
  const people = chart.data ? flatten(chart.data.root).length - 1 : 0;

  return (
    <div className="page page--full">
      <div className="toolbar">
        <div className="toolbar__title">
          <h1>Org chart</h1>
          {chart.data && (
            <span className="muted small">
              {people} {people === 1 ? 'agent' : 'agents'} · {chart.data.levels} levels
            </span>
          )}
        </div>
        <label className="search">
          <Search size={15} aria-hidden="true" />
          <span className="visually-hidden">Search agents</span>
          <input
            type="search"
            placeholder="Search by name, role or department"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') setFocusRequest((n) => n + 1);
            }}
          />
        </label>
        <div className="segmented-inline" role="group" aria-label="Layout">
          {layouts.map(({ value, label, icon: Icon }) => (
            <button
              key={value}
              type="button"
              aria-pressed={direction === value}
              title={label}
              onClick={() => setDirection(value)}
            >
              <Icon size={15} aria-hidden="true" />
              <span className="hide-narrow">{label}</span>
            </button>
          ))}
        </div>
        <span className="spacer" />
        <Tooltip text={canEdit ? undefined : 'Only the CEO hires agents.'}>
          <button
            type="button"
            className="button button--primary"
            disabled={!canEdit}
            onClick={() => setPanel({ kind: 'create', managerId: selectedAgentId })}
          >
            <UserPlus size={16} />
            Hire an agent
          </button>
        </Tooltip>
      </div>

      <div className="org-stage">
        {chart.isPending && <LoadingBlock label="Drawing the org chart…" />}
        {chart.isError && (
          <div className="page">
            <ProblemAlert
              error={chart.error}
              action={
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => void chart.refetch()}
                >
                  Try again
                </button>
              }
            />
          </div>
        )}
        {chart.data && chart.data.root.reports.length === 0 && (agents.data?.length ?? 0) === 0 && (
          <div className="page">
            <section className="card">
              <EmptyState
                icon={<Network size={22} />}
                title="Nobody works here yet"
                action={
                  canEdit && (
                    <button
                      type="button"
                      className="button button--primary"
                      onClick={() => setPanel({ kind: 'create', managerId: null })}
                    >
                      <UserPlus size={16} /> Hire your first agent
                    </button>
                  )
                }
              >
                Hire agents and arrange who reports to whom. Managers delegate down the chart and
                escalate up it.
              </EmptyState>
            </section>
          </div>
        )}
        {chart.data && (chart.data.root.reports.length > 0 || (agents.data?.length ?? 0) > 0) && (
          <ReactFlowProvider>
            <OrgCanvas
              chart={chart.data}
              theme={theme}
              working={working}
              search={search}
              department={department}
              selectedAgentId={selectedAgentId}
              canEdit={canEdit}
              focusRequest={focusRequest}
              direction={direction}
              onOpen={onOpen}
              onMove={onMove}
            />
          </ReactFlowProvider>
        )}
        <div className="org-overlay">
          <div className="legend" role="group" aria-label="Departments">
            <span className="legend__title">Departments</span>
            {departments.map(([name, count]) => (
              <button
                key={name}
                type="button"
                className="legend__item"
                aria-pressed={department === name}
                onClick={() => setDepartment((d) => (d === name ? null : name))}
                style={{ '--dept': departmentColour(name) } as CSSProperties}
              >
                <span className="seat__swatch" aria-hidden="true" />
                {name}
                <span className="muted">{count}</span>
              </button>
            ))}
          </div>
          {chart.data && chart.data.unplaced.length > 0 && (
            <div className="unplaced" aria-label="Agents not in the chart">
              <strong className="small">Not in the chart</strong>
              {chart.data.unplaced.map((agent) => (
                <button
                  key={agent.id}
                  type="button"
                  className="unplaced__item"
                  onClick={() => setPanel({ kind: 'view', agentId: agent.id })}
                >
                  {agentName(agent)}
                  <span className="muted small">{agent.profile.role}</span>
                </button>
              ))}
            </div>
          )}
        </div>
        {panel && (
          <AgentPanel
            mode={panel}
            agents={agents.data ?? []}
            canEdit={canEdit}
            onMode={setPanel}
            onClose={() => setPanel(null)}
            onMove={onMove}
          />
        )}
      </div>
    </div>
  );
}
