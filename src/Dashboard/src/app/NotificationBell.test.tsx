import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { renderSignedIn, stubApi, viewerSession } from '../test/render';
import { NotificationBell } from './NotificationBell';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const alert = {
  id: 5,
  companyId: 1,
  kind: 'task_failed',
  cause: 'task:12',
  subject: 'Task 12 failed',
  detail: 'The model gave up.',
  taskId: 12,
  firedAt: '2026-01-01T00:00:00Z',
  resolvedAt: null,
  readAt: null,
};

describe('NotificationBell', () => {
  it('counts the unread alerts, links each to its cause and marks one read', async () => {
    const user = userEvent.setup();
    const calls = stubApi({
      'GET /api/notifications/count': () => Response.json({ unread: 1, unreadOpen: 1 }),
      'GET /api/notifications': () => Response.json([alert]),
      'POST /api/notifications/5/read': () => Response.json({ unread: 0, unreadOpen: 0 }),
    });
    renderSignedIn(<NotificationBell />);
    await user.click(await screen.findByRole('button', { name: 'Notifications, 1 unread' }));
    expect(await screen.findByRole('link', { name: 'Task 12 failed' })).toHaveAttribute(
      'href',
      '/tasks/12',
    );
    await user.click(screen.getByRole('button', { name: 'Mark “Task 12 failed” read' }));
    expect(
      calls.some((c) => c.method === 'POST' && c.url.endsWith('/api/notifications/5/read')),
    ).toBe(true);
  });

  it('leaves a viewer “mark read” disabled', async () => {
    const user = userEvent.setup();
    stubApi({
      'GET /api/notifications/count': () => Response.json({ unread: 1, unreadOpen: 1 }),
      'GET /api/notifications': () => Response.json([alert]),
    });
    renderSignedIn(<NotificationBell />, { session: viewerSession });
    await user.click(await screen.findByRole('button', { name: 'Notifications, 1 unread' }));
    expect(await screen.findByRole('button', { name: 'Mark all read' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Mark “Task 12 failed” read' })).toBeDisabled();
  });
});
