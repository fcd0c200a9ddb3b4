import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, waitForLive } from './support/browser';
import { ceoPage, viewerPage } from './support/members';

interface AgentBody {
  id: number;
  profile: { limits?: { maxConcurrentTasks?: number; attemptTimeoutSeconds?: number | null } };
}

async function hire(request: APIRequestContext, firstName: string): Promise<number> {
  const response = await request.post('/api/agents', {
    data: {
      profile: {
        firstName,
        lastName: 'Parallel',
        role: 'Analyst',
        department: 'Research',
        model: 'offline',
      },
      managerAgentId: null,
      placeInOrgChart: true,
      status: null,
    },
  });
  if (!response.ok())
    throw new Error(`hiring answered ${response.status()}: ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

async function openPanel(page: Page, name: string) {
  const seat = page.getByRole('button', { name: new RegExp(`^${name} Parallel,`) });
  await seat.waitFor();
  // The chart may be wider than the window: the seat's own handler opens the panel.
  await seat.dispatchEvent('click');
  const panel = page.getByRole('complementary', { name: 'Agent' });
  await panel.getByText(name, { exact: false }).first().waitFor();
  return panel;
}

describe('agent concurrency', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the agent’s load, refuses a bad number of tasks at once by its field, and saves a good one', async () => {
    const { context, page } = await ceoPage(browser, '/org');
    const name = `Nia${Date.now() % 100000}`;
    const id = await hire(page.request, name);
    await waitForLive(page);
    const panel = await openPanel(page, name);
    await panel.getByTestId('max-concurrent').filter({ hasText: /^1$/ }).waitFor();
    await panel.getByTestId('attempt-timeout').filter({ hasText: 'no limit' }).waitFor();
    await panel.getByTestId('agent-load').filter({ hasText: '0 running · 0 queued' }).waitFor();

    await panel.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Save changes' });
    await form.getByLabel('Tasks at once').fill('500');
    await form.getByRole('button', { name: 'Save changes' }).click();
    const field = form.locator('label').filter({ has: page.getByLabel('Tasks at once') });
    await field
      .getByTestId('field-error')
      .filter({ hasText: 'Must be between 1 and 100.' })
      .waitFor();
    await screenshot(page, 'agent-concurrency-refused');
    const unchanged = (await (await page.request.get(`/api/agents/${id}`)).json()) as AgentBody;
    expect(unchanged.profile.limits?.maxConcurrentTasks).toBe(1);

    await form.getByLabel('Tasks at once').fill('3');
    await form.getByLabel('Attempt time limit (seconds)').fill('900');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await panel.getByTestId('max-concurrent').filter({ hasText: /^3$/ }).waitFor();
    await panel.getByTestId('attempt-timeout').filter({ hasText: '900 s' }).waitFor();
    const saved = (await (await page.request.get(`/api/agents/${id}`)).json()) as AgentBody;
    expect(saved.profile.limits).toMatchObject({
      maxConcurrentTasks: 3,
      attemptTimeoutSeconds: 900,
    });
    const capabilities = (await (
      await page.request.get(`/api/agents/${id}/capabilities`)
    ).json()) as { limits: { maxConcurrentTasks: number } };
    expect(capabilities.limits.maxConcurrentTasks).toBe(3);

    // A viewer reads the same, cannot edit, and the Api refuses the change.
    const viewer = await viewerPage(browser, page, '/org');
    const seen = await openPanel(viewer.page, name);
    await seen.getByTestId('max-concurrent').filter({ hasText: /^3$/ }).waitFor();
    expect(await seen.getByRole('button', { name: 'Edit' }).isDisabled()).toBe(true);
    const refused = await viewer.page.request.put(`/api/agents/${id}`, {
      data: { profile: { limits: { maxConcurrentTasks: 5 } }, expectedVersion: null },
    });
    expect(refused.status()).toBe(403);
    await viewer.context.close();
    await context.close();
  });

  it('lists the agent’s open work in queue order, and a new priority moves a task up', async () => {
    const { context, page } = await ceoPage(browser, '/org');
    const name = `Oto${Date.now() % 100000}`;
    const id = await hire(page.request, name);
    // Scheduled for tomorrow: the tasks wait in the queue while the flow looks at them.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const ids: number[] = [];
    for (const [title, priority] of [
      [`Audit ${name}`, 'normal'],
      [`Archive ${name}`, 'low'],
    ] as const) {
      const response = await page.request.post('/api/tasks', {
        data: {
          title,
          description: 'Later.',
          assigneeAgentId: id,
          priority,
          scheduledAt: tomorrow,
          costEstimate: null,
          deadlineAt: null,
          failurePolicy: null,
          maxAttempts: null,
          parentTaskId: null,
          project: null,
        },
      });
      if (!response.ok())
        throw new Error(`creating a task answered ${response.status()}: ${await response.text()}`);
      ids.push(((await response.json()) as { id: number }).id);
    }
    await waitForLive(page);
    const panel = await openPanel(page, name);
    const queue = panel.getByRole('list', { name: 'Open work in queue order' });
    await queue.getByRole('link', { name: `Archive ${name}` }).waitFor();
    expect(await queue.getByRole('link').allTextContents()).toEqual([
      `Audit ${name}`,
      `Archive ${name}`,
    ]);

    await panel.getByLabel(`Priority of Archive ${name}`).selectOption('urgent');
    await expect
      .poll(async () => queue.getByRole('link').allTextContents())
      .toEqual([`Archive ${name}`, `Audit ${name}`]);
    const task = (await (await page.request.get(`/api/tasks/${ids[1]}`)).json()) as {
      priority: string;
    };
    expect(task.priority).toBe('urgent');
    await screenshot(page, 'agent-queue-priority');
    await context.close();
  });
});
