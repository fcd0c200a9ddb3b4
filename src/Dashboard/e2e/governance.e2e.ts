import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, waitForLive } from './support/browser';
import { ceoPage, viewerPage } from './support/members';

async function failedTask(
  request: APIRequestContext,
  title: string,
  project: string | null = null,
): Promise<number> {
  const created = await request.post('/api/tasks', {
    data: {
      title,
      description: 'Made to fail, so that an alert fires.',
      project,
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

/** Marks the tab, so that a flow can tell it was never reloaded (a reload forgets the mark). */
async function markTab(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { e2eNeverReloaded?: boolean }).e2eNeverReloaded = true;
  });
}

async function neverReloaded(page: Page): Promise<boolean> {
  return page.evaluate(
    () => (window as unknown as { e2eNeverReloaded?: boolean }).e2eNeverReloaded === true,
  );
}

async function hire(
  request: APIRequestContext,
  firstName: string,
  role: string,
  managerAgentId: number | null,
) {
  return request.post('/api/agents', {
    data: {
      profile: { firstName, lastName: 'Audit', role, department: 'Audit', model: 'offline' },
      managerAgentId,
      placeInOrgChart: true,
      status: null,
    },
  });
}

interface AnalyticsRow {
  label: string;
  tasksFinished: number;
  tasksDone: number;
  tasksFailed: number;
  failureRate: number | null;
}

/** The Api's analytics row of one project, over the page's default period (the last 30 UTC days). */
async function projectFigures(
  request: APIRequestContext,
  project: string,
): Promise<AnalyticsRow | undefined> {
  const today = new Date();
  const from = new Date(today.getTime() - 29 * 86_400_000).toISOString().slice(0, 10);
  const to = today.toISOString().slice(0, 10);
  const response = await request.get(`/api/analytics?groupBy=project&from=${from}&to=${to}`);
  if (!response.ok()) throw new Error(`GET /api/analytics answered ${response.status()}`);
  const report = (await response.json()) as { rows: AnalyticsRow[] };
  return report.rows.find((r) => r.label === project);
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

  it('moves the analytics live in a second tab, a viewer’s, when tasks fail: the figures are the Api’s', async () => {
    const ceo = await ceoPage(browser, '/analytics');
    // The second tab is a viewer's: the page only reads (its period and grouping are no commands).
    const viewer = await viewerPage(browser, ceo.page, '/analytics');
    const project = `e2e-live-${Date.now() % 1_000_000}`;
    const tabs = [ceo.page, viewer.page];
    for (const tab of tabs) {
      await tab.getByLabel('Group by').selectOption('project');
      await tab.getByRole('img', { name: /Failure rate by project/ }).waitFor({ timeout: 30_000 });
      await waitForLive(tab);
      await markTab(tab);
    }
    const rowOf = (tab: Page) =>
      tab
        .getByRole('table', { name: 'Figures' })
        .getByRole('row')
        .filter({ has: tab.getByRole('cell', { name: project, exact: true }) });
    expect(await rowOf(viewer.page).count()).toBe(0);

    for (const round of [1, 2]) {
      await failedTask(ceo.page.request, `Analytics live ${round} ${project}`, project);
      // The Api's answer once the failure is counted, then the same figures in both tabs.
      let server: AnalyticsRow | undefined;
      await expect
        .poll(async () => (server = await projectFigures(ceo.page.request, project))?.tasksFailed, {
          timeout: 30_000,
        })
        .toBe(round);
      const finished = `${server!.tasksFinished} (${server!.tasksDone} done, ${server!.tasksFailed} failed)`;
      const rate = `${((server!.failureRate ?? 0) * 100).toFixed(0)}%`;
      for (const tab of tabs) {
        await expect
          .poll(
            async () =>
              (await rowOf(tab).count()) === 0
                ? null
                : (await rowOf(tab).getByRole('cell').nth(1).textContent())
                    ?.replace(/\s+/g, ' ')
                    .trim(),
            { timeout: 30_000 },
          )
          .toBe(finished);
        expect((await rowOf(tab).getByRole('cell').nth(2).textContent())?.trim()).toBe(rate);
      }
    }
    for (const tab of tabs) expect(await neverReloaded(tab)).toBe(true);
    await rowOf(viewer.page).scrollIntoViewIfNeeded();
    await screenshot(viewer.page, 'analytics-live-viewer');
    // A viewer reads the analytics; nothing on the page commands.
    expect((await viewer.page.request.get('/api/analytics?groupBy=project')).status()).toBe(200);
    await viewer.context.close();
    await ceo.context.close();
  });

  it('shows a new policy denial in the audit of a second tab, a viewer’s, without reloading, as the Api lists it', async () => {
    const ceo = await ceoPage(browser, '/audit');
    const viewer = await viewerPage(browser, ceo.page, '/audit');
    const tag = `${Date.now() % 1_000_000}`;
    const tabs = [ceo.page, viewer.page];
    for (const tab of tabs) {
      await tab
        .getByRole('region', { name: 'Audit entries' })
        .locator('table, .empty')
        .first()
        .waitFor({ timeout: 30_000 });
      await waitForLive(tab);
      await markTab(tab);
    }
    const rowOf = (tab: Page) =>
      tab.getByRole('region', { name: 'Audit entries' }).getByRole('row').filter({ hasText: tag });
    expect(await rowOf(viewer.page).count()).toBe(0);

    // A role rule forbids a Lead<tag> above a Jun<tag>: placing one under the other is refused.
    const lead = await hire(ceo.page.request, `Lead${tag}`, `Lead${tag}`, null);
    if (!lead.ok())
      throw new Error(`hiring the lead answered ${lead.status()}: ${await lead.text()}`);
    const leadId = ((await lead.json()) as { id: number }).id;
    const added = await ceo.page.request.post('/api/policies/rules', {
      data: {
        name: `audit-live-${tag}`,
        kind: 'role_separation',
        description: 'No lead above a junior, for the live audit.',
        enabled: true,
        roleSeparation: {
          upper: { departments: [], roles: [`Lead${tag}`] },
          lower: { departments: [], roles: [`Jun${tag}`] },
          reason: `Refused for the live audit ${tag}.`,
        },
      },
    });
    if (!added.ok())
      throw new Error(`adding the rule answered ${added.status()}: ${await added.text()}`);
    const rule = (await added.json()) as { id: number };
    try {
      const refused = await hire(ceo.page.request, `Jun${tag}`, `Jun${tag}`, leadId);
      expect(refused.status()).toBe(403);
    } finally {
      await ceo.page.request.delete(`/api/policies/rules/${rule.id}`);
    }

    // What the Api lists, then the same entry in both tabs.
    let entry: { summary: string; detail: string | null; outcome: string } | undefined;
    await expect
      .poll(
        async () => {
          const response = await ceo.page.request.get(
            `/api/audit?kind=policy_denial&agentId=${leadId}`,
          );
          const entries = (await response.json()) as {
            summary: string;
            detail: string | null;
            outcome: string;
          }[];
          entry = entries.find((e) => `${e.summary} ${e.detail ?? ''}`.includes(tag));
          return entry !== undefined;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    for (const tab of tabs) {
      const row = rowOf(tab);
      await row.first().waitFor({ timeout: 30_000 });
      expect(await row.count()).toBe(1);
      const text = (await row.textContent())?.replace(/\s+/g, ' ') ?? '';
      expect(text).toContain('Policy denial');
      expect(text).toContain(entry!.outcome);
      expect(text).toContain(entry!.summary.replace(/\s+/g, ' '));
      // The agent is named once the tab's directory knows the new hire (its own live event).
      await row
        .getByRole('cell', { name: `Lead${tag} Audit`, exact: true })
        .waitFor({ timeout: 30_000 });
    }
    for (const tab of tabs) expect(await neverReloaded(tab)).toBe(true);
    await rowOf(viewer.page).scrollIntoViewIfNeeded();
    await screenshot(viewer.page, 'audit-live-viewer');
    // The audit is read by every member; a viewer cannot cause the rule change behind the entry.
    expect((await viewer.page.request.get('/api/audit?kind=policy_denial')).status()).toBe(200);
    expect(
      (
        await viewer.page.request.post('/api/policies/rules', {
          data: { name: `viewer-${tag}`, kind: 'role_separation' },
        })
      ).status(),
    ).toBe(403);
    await viewer.context.close();
    await ceo.context.close();
  });

  it('adds a member, changes the role, shows the last CEO rule in the Api’s words; a viewer is refused', async () => {
    const { context, page } = await ceoPage(browser, '/members');
    const other = await context.newPage();
    await other.goto('/members');
    await other.getByRole('table', { name: 'Members' }).waitFor();
    await waitForLive(other);
    await markTab(other);
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

    // The other tab, never reloaded, follows the member events: the new member, then its role.
    await other.getByRole('cell', { name: email, exact: true }).waitFor({ timeout: 30_000 });
    await page.getByLabel(`Role of ${email}`).selectOption('admin');
    await page.getByText('Role changed').waitFor();
    const members = (await (await page.request.get('/api/users')).json()) as {
      id: number;
      email: string;
      role: string;
    }[];
    expect(members.find((m) => m.email === email)?.role).toBe('admin');
    await expect
      .poll(() => other.getByLabel(`Role of ${email}`).inputValue(), { timeout: 30_000 })
      .toBe('admin');
    await screenshot(other, 'members-live-role');

    // The last CEO cannot step down: the Api says so, in its words.
    const ceos = members.filter((m) => m.role === 'ceo');
    if (ceos.length === 1) {
      await page.getByLabel(`Role of ${ceos[0]!.email}`).selectOption('viewer');
      const refusal = page.getByRole('alert').filter({ hasText: /ceo/i });
      await refusal.first().waitFor();
      await screenshot(page, 'members-last-ceo');
    }

    // Removed in the first tab: gone from the other, as from the Api's list.
    await page.getByRole('button', { name: `Remove ${email}` }).click();
    await page
      .getByRole('dialog', { name: /^Remove / })
      .getByRole('button', { name: 'Remove member' })
      .click();
    await page.getByText('Member removed').waitFor();
    await other.getByRole('cell', { name: email, exact: true }).waitFor({
      state: 'detached',
      timeout: 30_000,
    });
    const after = (await (await page.request.get('/api/users')).json()) as { email: string }[];
    expect(after.some((m) => m.email === email)).toBe(false);
    expect(await neverReloaded(other)).toBe(true);

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
