import {
  BarChart3,
  BookOpen,
  CalendarClock,
  CheckCircle2,
  KanbanSquare,
  Network,
  Server,
  ShieldCheck,
  Target,
  Users,
  type LucideIcon,
} from 'lucide-react';

export interface NavItem {
  path: string;
  label: string;
  icon: LucideIcon;
  /** False while the Api has no endpoints for it: the page says so instead of showing anything. */
  available: boolean;
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
      { path: '/org', label: 'Org chart', icon: Network, available: true },
      { path: '/tasks', label: 'Tasks', icon: KanbanSquare, available: true },
      { path: '/missions', label: 'Missions', icon: Target, available: true },
      { path: '/meetings', label: 'Meetings', icon: Users, available: true },
      {
        path: '/approvals',
        label: 'Approvals',
        icon: CheckCircle2,
        available: true,
        badge: 'waiting',
      },
    ],
  },
  {
    title: 'Insight',
    items: [
      { path: '/costs', label: 'Costs', icon: BarChart3, available: true },
      { path: '/schedules', label: 'Schedules', icon: CalendarClock, available: true },
      { path: '/knowledge', label: 'Knowledge', icon: BookOpen, available: true },
    ],
  },
  {
    title: 'Operations',
    items: [
      { path: '/policies', label: 'Policies', icon: ShieldCheck, available: true },
      { path: '/cluster', label: 'Cluster', icon: Server, available: true },
    ],
  },
];

export function navItemFor(pathname: string): NavItem | undefined {
  return navigation
    .flatMap((section) => section.items)
    .find((item) => pathname === item.path || pathname.startsWith(`${item.path}/`));
}
