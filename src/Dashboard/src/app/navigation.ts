import {
  Activity,
  ArrowLeftRight,
  BarChart3,
  FileSearch,
  UserCog,
  BookOpen,
  CalendarClock,
  CheckCircle2,
  KanbanSquare,
  Network,
  Plug,
  Server,
  ShieldCheck,
  Target,
  Users,
  Workflow,
  type LucideIcon,
} from 'lucide-react';

export interface NavItem {
  path: string;
  label: string;
  icon: LucideIcon;
  /** A count shown beside the label. */
  badge?: 'waiting';
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

export const navigation: NavSection[] = [
  {
    title: 'Company',
    items: [
      { path: '/org', label: 'Org chart', icon: Network },
      { path: '/tasks', label: 'Tasks', icon: KanbanSquare },
      { path: '/missions', label: 'Missions', icon: Target },
      { path: '/meetings', label: 'Meetings', icon: Users },
      { path: '/workflows', label: 'Workflows', icon: Workflow },
      {
        path: '/approvals',
        label: 'Approvals',
        icon: CheckCircle2,
        badge: 'waiting',
      },
    ],
  },
  {
    title: 'Insight',
    items: [
      { path: '/costs', label: 'Costs', icon: BarChart3 },
      { path: '/analytics', label: 'Analytics', icon: Activity },
      { path: '/audit', label: 'Audit', icon: FileSearch },
      { path: '/schedules', label: 'Schedules', icon: CalendarClock },
      { path: '/knowledge', label: 'Knowledge', icon: BookOpen },
    ],
  },
  {
    title: 'Operations',
    items: [
      { path: '/policies', label: 'Policies', icon: ShieldCheck },
      { path: '/company/transfer', label: 'Export & import', icon: ArrowLeftRight },
      { path: '/members', label: 'Members', icon: UserCog },
      { path: '/integrations', label: 'Integrations', icon: Plug },
      { path: '/cluster', label: 'Cluster', icon: Server },
    ],
  },
];

export function navItemFor(pathname: string): NavItem | undefined {
  return navigation
    .flatMap((section) => section.items)
    .find((item) => pathname === item.path || pathname.startsWith(`${item.path}/`));
}
