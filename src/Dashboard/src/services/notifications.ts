import { api, unwrap, type Schemas } from '../api/client';

export type Notification = Schemas['AlertDto'];
export type NotificationCount = Schemas['NotificationCountDto'];

export const notificationKeys = {
  all: ['notifications'] as const,
  count: () => ['notifications', 'count'] as const,
  list: (unread: boolean) => ['notifications', 'list', unread] as const,
};

export const alertKindLabels: Record<Schemas['AlertKind'], string> = {
  task_failed: 'Task failed',
  task_blocked: 'Task blocked',
  approval_waiting: 'Approval waiting',
  budget_warning: 'Budget at 80%',
  budget_reached: 'Budget reached',
  schedule_failing: 'Schedule failing',
  dead_letter: 'Dead letter',
  silo_lost: 'Silo lost',
  trigger_failing: 'Trigger failing',
};

export function fetchNotificationCount(signal?: AbortSignal): Promise<NotificationCount> {
  return unwrap(api.GET('/api/notifications/count', { signal }), signal);
}

export function fetchNotifications(unread: boolean, signal?: AbortSignal): Promise<Notification[]> {
  return unwrap(
    api.GET('/api/notifications', { params: { query: { unread, limit: 50 } }, signal }),
    signal,
  );
}

export function markNotificationRead(id: number): Promise<NotificationCount> {
  return unwrap(api.POST('/api/notifications/{id}/read', { params: { path: { id } } }));
}

export function markAllNotificationsRead(): Promise<NotificationCount> {
  return unwrap(api.POST('/api/notifications/read-all', {}));
}

/** Where the cause of an alert is shown: its task, the approvals, the costs or the schedules. */
export function notificationLink(alert: Notification): string | null {
  if (alert.taskId) return `/tasks/${alert.taskId}`;
  const [kind, id] = alert.cause.split(':');
  switch (kind) {
    case 'task':
      return id ? `/tasks/${id}` : null;
    case 'approval':
      return '/approvals';
    case 'budget':
      return '/costs';
    case 'schedule':
      return '/schedules';
    default:
      return null;
  }
}
