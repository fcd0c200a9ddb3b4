import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Bell, Check, CheckCheck } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ProblemAlert } from '../components/ProblemAlert';
import { RelativeTime } from '../components/RelativeTime';
import {
  alertKindLabels,
  fetchNotificationCount,
  fetchNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  notificationKeys,
  notificationLink,
} from '../services/notifications';
import { isCeo, useSession } from './session';

const ONLY_CEO = 'Only the CEO marks notifications read.';

/**
 * The bell of the app bar: the unread alerts' count, kept live by the alert.* events, and the list of
 * alerts with a link to what caused each, read or unread.
 */
export function NotificationBell() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [onlyUnread, setOnlyUnread] = useState(true);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const count = useQuery({
    queryKey: notificationKeys.count(),
    queryFn: ({ signal }) => fetchNotificationCount(signal),
  });
  const list = useQuery({
    queryKey: notificationKeys.list(onlyUnread),
    queryFn: ({ signal }) => fetchNotifications(onlyUnread, signal),
    enabled: open,
  });
  const readReason = isCeo(session) ? undefined : ONLY_CEO;
  const settle = () => queryClient.invalidateQueries({ queryKey: notificationKeys.all });
  const readOne = useMutation({
    mutationFn: (id: number) => markNotificationRead(id),
    onSuccess: (next) => queryClient.setQueryData(notificationKeys.count(), next),
    onSettled: settle,
  });
  const readAll = useMutation({
    mutationFn: () => markAllNotificationsRead(),
    onSuccess: (next) => queryClient.setQueryData(notificationKeys.count(), next),
    onSettled: settle,
  });

  useEffect(() => {
    if (!open) return;
    const away = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    const escape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);

  const unread = count.data?.unread ?? 0;
  return (
    <div className="bell" ref={root}>
      <button
        type="button"
        className="button button--ghost button--icon"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <Bell size={18} />
        {unread > 0 && (
          <span className="counter bell__count" data-testid="notification-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell__panel" id={panelId} role="dialog" aria-label="Notifications">
          <div className="bell__head">
            <div className="segmented-inline" role="group" aria-label="Show">
              <button type="button" aria-pressed={onlyUnread} onClick={() => setOnlyUnread(true)}>
                Unread
              </button>
              <button type="button" aria-pressed={!onlyUnread} onClick={() => setOnlyUnread(false)}>
                All
              </button>
            </div>
            <button
              type="button"
              className="button button--small button--ghost"
              disabled={readReason !== undefined || unread === 0 || readAll.isPending}
              title={readReason}
              onClick={() => readAll.mutate()}
            >
              <CheckCheck size={14} /> Mark all read
            </button>
          </div>
          {(readOne.isError || readAll.isError) && (
            <ProblemAlert error={readOne.error ?? readAll.error} />
          )}
          {list.isError && <ProblemAlert error={list.error} />}
          {list.data?.length === 0 && (
            <p className="muted small bell__empty">
              {onlyUnread ? 'Nothing unread.' : 'No notifications yet.'}
            </p>
          )}
          <ul className="bell__list" aria-label="Notification list">
            {list.data?.map((alert) => {
              const link = notificationLink(alert);
              return (
                <li key={alert.id} className={alert.readAt ? 'bell__item' : 'bell__item is-unread'}>
                  <div className="bell__text">
                    <span className="badge">{alertKindLabels[alert.kind]}</span>{' '}
                    {link ? (
                      <Link to={link} onClick={() => setOpen(false)}>
                        {alert.subject}
                      </Link>
                    ) : (
                      <span>{alert.subject}</span>
                    )}
                    {alert.detail && <span className="cell-sub">{alert.detail}</span>}
                    <span className="muted small">
                      {alert.firedAt && <RelativeTime value={alert.firedAt} />}
                      {alert.resolvedAt ? ' · resolved' : ''}
                    </span>
                  </div>
                  {!alert.readAt && (
                    <button
                      type="button"
                      className="button button--ghost button--small"
                      aria-label={`Mark “${alert.subject}” read`}
                      title={readReason}
                      disabled={readReason !== undefined || readOne.isPending}
                      onClick={() => readOne.mutate(alert.id)}
                    >
                      <Check size={14} />
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </div>
  );
}
