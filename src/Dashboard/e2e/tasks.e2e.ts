import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, signIn, waitForLive } from './support/browser';

interface TaskSummary {
  id: number;
  title: string;
  status: string;
  allowedActions: string[];
}

describe('tasks', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the board and the filterable table', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/tasks');
    await page.getByRole('region', { name: /Queued/ }).waitFor();
    await screenshot(page, 'tasks-board');
    await page.getByRole('button', { name: 'Table' }).click();
    // Agents keep working while the test runs: filter by something that does not change, the project.
    const listed = (await (await page.request.get('/api/tasks')).json()) as {
      items: { project: string | null }[];
    };
    const project = listed.items.find((t) => t.project)?.project;
    if (!project) throw new Error('The demo company has no project.');
    await page.getByLabel('Project').selectOption(project);
    await page.waitForURL(/project=/);
    // The rows themselves are what is polled, so that a failure shows what the table held.
    await expect
      .poll(() => page.locator('tbody tr td:first-child .cell-sub').allTextContents(), {
        timeout: 30_000,
      })
      .toSatisfy(
        (subs: string[]) => subs.length > 0 && subs.every((s) => s.includes(` · ${project}`)),
      );
    await screenshot(page, 'tasks-table');
    await context.close();
  });

  it('offers only what the task allows, and a change shows live in another tab', async () => {
    const first = await newContext(browser);
    const second = await newContext(browser);
    const page = await first.newPage();
    const other = await second.newPage();
    await signIn(page, '/tasks');
    const response = await page.request.get('/api/tasks?status=paused');
    const paused = ((await response.json()) as { items: TaskSummary[] }).items[0];
    if (!paused) throw new Error('The demo company has no paused task.');

    await signIn(other, `/tasks/${paused.id}`);
    await waitForLive(other);
    await page.goto(`/tasks/${paused.id}`);
    await waitForLive(page);
    await page.getByRole('heading', { name: paused.title }).waitFor();

    const retry = page.getByRole('button', { name: 'Retry' });
    expect(await retry.isDisabled()).toBe(!paused.allowedActions.includes('retry'));
    await retry.locator('..').focus();
    await page
      .getByRole('tooltip')
      .filter({ hasText: 'Not possible while the task is paused.' })
      .waitFor({ state: 'attached' });
    await screenshot(page, 'task-detail-paused');

    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('Task resumed').waitFor();
    await other.getByRole('region', { name: 'Progress' }).waitFor();
    await other.getByText(/resumed it/).waitFor({ timeout: 5000 });
    await screenshot(other, 'task-detail-live');
    await first.close();
    await second.close();
  });

  it('shows the model and tool calls of a task the agents worked on', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/tasks');
    let worked: number | undefined;
    await expect
      .poll(
        async () => {
          const tasks = (
            (await (await page.request.get('/api/tasks')).json()) as { items: TaskSummary[] }
          ).items;
          for (const task of tasks) {
            const calls = (await (
              await page.request.get(`/api/tasks/${task.id}/llm-calls`)
            ).json()) as unknown[];
            if (calls.length > 0) {
              worked = task.id;
              return true;
            }
          }
          return false;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await page.goto(`/tasks/${worked}`);
    await page.getByRole('tab', { name: 'Tool & model calls' }).click();
    await page.getByRole('heading', { name: /Model calls/ }).waitFor();
    await page.locator('table tbody tr').first().waitFor();
    await screenshot(page, 'task-calls');
    await context.close();
  });
});
