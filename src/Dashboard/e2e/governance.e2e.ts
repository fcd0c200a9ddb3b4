import type { APIRequestContext, Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, waitForLive } from './support/browser';
import { ceoPage, viewerPage } from './support/members';

async function failedTask(request: APIRequestContext, title: string): Promise<number> {
  const created = await request.post('/api/tasks', {
    data: {
      title,
      description: 'Made to fail, so that an alert fires.',
      project: null,
      parentTaskId: null,
      assigneeAgentId: null,
      priority: null,
      scheduledAt: null,
      deadlineAt: null,
      maxAttempts: null,
      failurePolicy: null,
      costEstimate: null,
    },
  });
  if (!created.ok())
    throw new Error(`creating a task answered ${created.status()}: ${await created.text()}`);
  const task = (await created.json()) as { id: number };
  const failed = await request.post(`/api/tasks/${task.id}/fail`, {
    data: { reason: 'The e2e flow failed it on purpose.', expectedVersion: null },
  });
  if (!failed.ok())
    throw new Error(`failing the task answered ${failed.status()}: ${await failed.text()}`);
  return task.id;
}

describe('governance pages', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('rings the bell live when a task fails, links to the task, and marks it read', async () => {
    const { context, page } = await ceoPage(browser, '/tasks');
    const other = await context.newPage();
    await other.goto('/approvals');
    await waitForLive(page);
    await waitForLive(other);
    const before = (await (await page.request.get('/api/notifications/count')).json()) as {
      unread: number;
    };
    const title = `Alert me ${Date.now() % 100000}`;
    const taskId = await failedTask(page.request, title);

    // Neither tab reloads: the alert.fired event moves both bells.
    for (const tab of [page, other]) {
      await expect
        .poll(
          async () =>
            Number(
              (await tab
                .getByTestId('notification-count')
                .textContent()
                .catch(() => '0')) ?? 0,
            ),
          {
            timeout: 30_000,
          },
        )
        .toBeGreaterThan(before.unread);
    }
    await page.getByRole('button', { name: /^Notifications/ }).click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    const link = panel.getByRole('link', { name: new RegExp(title) });
    await link.waitFor({ timeout: 30_000 });
    expect(await link.getAttribute('href')).toBe(`/tasks/${taskId}`);
    await screenshot(page, 'notifications');
    await panel.getByRole('button', { name: new RegExp(`Mark “.*${title}.*” read`) }).click();
    await link.waitFor({ state: 'detached' });
    const after = (await (await page.request.get('/api/notifications?unread=true')).json()) as {
      taskId: number | null;
    }[];
    expect(after.some((a) => a.taskId === taskId)).toBe(false);
    await context.close();
  });

  it('shows a viewer the bell with “mark read” disabled, and the Api refuses the viewer', async () => {
    const ceo = await ceoPage(browser, '/org');
    await failedTask(ceo.page.request, `Viewer alert ${Date.now() % 100000}`);
    const viewer = await viewerPage(browser, ceo.page, '/org');
    await viewer.page.getByRole('button', { name: /^Notifications/ }).click();
    const panel = viewer.page.getByRole('dialog', { name: 'Notifications' });
    const markAll = panel.getByRole('button', { name: 'Mark all read' });
    await markAll.waitFor();
    expect(await markAll.isDisabled()).toBe(true);
    expect((await viewer.page.request.post('/api/notifications/read-all')).status()).toBe(403);
    await viewer.context.close();
    await ceo.context.close();
  });

  it('filters the audit, names a bad period beside its field, and exports the same as CSV', async () => {
    const { context, page } = await ceoPage(browser, '/audit');
    await page.getByLabel('Kind').waitFor();
    const fromInput = page.locator('input[type="datetime-local"]').nth(0);
    const toInput = page.locator('input[type="datetime-local"]').nth(1);
    await fromInput.fill('2026-03-02T10:00');
    await toInput.fill('2026-03-01T10:00');
    const to = page.locator('label.field').filter({ hasText: /^To/ });
    await to
      .getByTestId('field-error')
      .filter({ hasText: /before from/ })
      .waitFor();
    await screenshot(page, 'audit-refused');
    await fromInput.fill('');
    await toInput.fill('');
    await page.getByLabel('Kind').selectOption('approval');

    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toContain('kind=approval');
    const csv = await page.request.get(href!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\n')[0]).toMatch(/Kind/i);

    // Entries with a task link to it.
    const entries = (await (await page.request.get('/api/audit?kind=approval')).json()) as {
      taskId: number | null;
    }[];
    const withTask = entries.find((e) => e.taskId !== null);
    if (withTask) {
      await page
        .getByRole('link', { name: `Task ${withTask.taskId}` })
        .first()
        .waitFor();
    }
    await screenshot(page, 'audit');
    await context.close();
  });

  it('shows the analytics by group and period, with charts', async () => {
    const { context, page } = await ceoPage(browser, '/analytics');
    await failedTask(page.request, `Analytics ${Date.now() % 100000}`);
    await page.getByLabel('Group by').selectOption('department');
    await page.getByRole('button', { name: '7 days' }).click();
    const figures = page.getByRole('table', { name: 'Figures' });
    await figures.waitFor({ timeout: 30_000 });
    await page.getByRole('img', { name: /Failure rate by department/ }).waitFor();
    await screenshot(page, 'analytics');
    const bad = await page.request.get('/api/analytics?groupBy=planet');
    expect(bad.status()).toBe(400);
    await context.close();
  });

  it('adds a member, changes the role, shows the last CEO rule in the Api’s words; a viewer is refused', async () => {
    const { context, page } = await ceoPage(browser, '/members');
    const other = await context.newPage();
    await other.goto('/members');
    const email = `member-${Date.now()}@e2e.test`;
    await page.getByRole('button', { name: 'Add member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a member' });
    await dialog.getByLabel('E-mail').fill('not-an-address');
    await dialog.getByRole('button', { name: 'Add member' }).click();
    const emailField = dialog.locator('label').filter({ has: page.getByLabel('E-mail') });
    await emailField.getByTestId('field-error').waitFor();
    await screenshot(page, 'members-refused');

    await dialog.getByLabel('E-mail').fill(email);
    await dialog.getByLabel('Name').fill('Max Member');
    await dialog.getByRole('button', { name: 'Add member' }).click();
    await page.getByTestId('initial-password').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();

    // The other tab reads the list again on its own.
    await other.getByRole('cell', { name: email, exact: true }).waitFor({ timeout: 30_000 });
    await page.getByLabel(`Role of ${email}`).selectOption('admin');
    await page.getByText('Role changed').waitFor();
    const members = (await (await page.request.get('/api/users')).json()) as {
      id: number;
      email: string;
      role: string;
    }[];
    expect(members.find((m) => m.email === email)?.role).toBe('admin');

    // The last CEO cannot step down: the Api says so, in its words.
    const ceos = members.filter((m) => m.role === 'ceo');
    if (ceos.length === 1) {
      await page.getByLabel(`Role of ${ceos[0]!.email}`).selectOption('viewer');
      const refusal = page.getByRole('alert').filter({ hasText: /ceo/i });
      await refusal.first().waitFor();
      await screenshot(page, 'members-last-ceo');
    }

    const viewer = await viewerPage(browser, page, '/members');
    expect(await viewer.page.getByRole('button', { name: 'Add member' }).isDisabled()).toBe(true);
    expect((await viewer.page.request.get('/api/users')).status()).toBe(403);
    expect(
      (
        await viewer.page.request.post('/api/users', {
          data: { email: `x-${email}`, displayName: 'X', password: null, role: 'viewer' },
        })
      ).status(),
    ).toBe(403);
    await viewer.context.close();
    await context.close();
  });
});
