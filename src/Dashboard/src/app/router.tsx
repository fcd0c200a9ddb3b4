import { Navigate, type RouteObject } from 'react-router';
import { NotFoundPage } from '../pages/NotFoundPage';
import { RequireSession } from './RequireSession';
import { RouteError } from './RouteError';
import { Shell } from './Shell';

/** Every page is its own chunk: the org chart's graph libraries load with the org chart only. */
export const routes: RouteObject[] = [
  {
    path: '/login',
    lazy: async () => ({ Component: (await import('../pages/LoginPage')).LoginPage }),
    errorElement: <RouteError />,
  },
  {
    path: '/',
    element: (
      <RequireSession>
        <Shell />
      </RequireSession>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/org" replace /> },
      {
        path: 'org',
        lazy: async () => ({ Component: (await import('../pages/org/OrgChartPage')).OrgChartPage }),
      },
      {
        path: 'agents/:agentId/progress',
        lazy: async () => ({
          Component: (await import('../pages/agents/AgentProgressPage')).AgentProgressPage,
        }),
      },
      {
        path: 'tasks',
        lazy: async () => ({ Component: (await import('../pages/tasks/TasksPage')).TasksPage }),
      },
      {
        path: 'tasks/:taskId',
        lazy: async () => ({
          Component: (await import('../pages/tasks/TaskDetailPage')).TaskDetailPage,
        }),
      },
      {
        path: 'missions',
        lazy: async () => ({
          Component: (await import('../pages/missions/MissionsPage')).MissionsPage,
        }),
      },
      {
        path: 'missions/:taskId',
        lazy: async () => ({
          Component: (await import('../pages/missions/MissionPage')).MissionPage,
        }),
      },
      {
        path: 'workflows',
        lazy: async () => ({
          Component: (await import('../pages/workflows/WorkflowsPage')).WorkflowsPage,
        }),
      },
      {
        path: 'workflows/runs/:runId',
        lazy: async () => ({
          Component: (await import('../pages/workflows/WorkflowRunPage')).WorkflowRunPage,
        }),
      },
      {
        path: 'policies',
        lazy: async () => ({
          Component: (await import('../pages/policies/PoliciesPage')).PoliciesPage,
        }),
      },
      {
        path: 'company/transfer',
        lazy: async () => ({
          Component: (await import('../pages/company/CompanyTransferPage')).CompanyTransferPage,
        }),
      },
      {
        path: 'meetings',
        lazy: async () => ({
          Component: (await import('../pages/meetings/MeetingsPage')).MeetingsPage,
        }),
      },
      {
        path: 'meetings/:meetingId',
        lazy: async () => ({
          Component: (await import('../pages/meetings/MeetingDetailPage')).MeetingDetailPage,
        }),
      },
      {
        path: 'approvals',
        lazy: async () => ({
          Component: (await import('../pages/approvals/ApprovalsPage')).ApprovalsPage,
        }),
      },
      {
        path: 'costs',
        lazy: async () => ({ Component: (await import('../pages/costs/CostsPage')).CostsPage }),
      },
      {
        path: 'analytics',
        lazy: async () => ({
          Component: (await import('../pages/analytics/AnalyticsPage')).AnalyticsPage,
        }),
      },
      {
        path: 'audit',
        lazy: async () => ({ Component: (await import('../pages/audit/AuditPage')).AuditPage }),
      },
      {
        path: 'members',
        lazy: async () => ({
          Component: (await import('../pages/members/MembersPage')).MembersPage,
        }),
      },
      {
        path: 'schedules',
        lazy: async () => ({
          Component: (await import('../pages/schedules/SchedulesPage')).SchedulesPage,
        }),
      },
      {
        path: 'knowledge',
        lazy: async () => ({
          Component: (await import('../pages/knowledge/KnowledgePage')).KnowledgePage,
        }),
      },
      {
        path: 'integrations',
        lazy: async () => ({
          Component: (await import('../pages/integrations/IntegrationsPage')).IntegrationsPage,
        }),
      },
      {
        path: 'cluster',
        lazy: async () => ({ Component: (await import('../pages/ClusterPage')).ClusterPage }),
      },
      {
        path: 'settings/tokens',
        lazy: async () => ({ Component: (await import('../pages/TokensPage')).TokensPage }),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
