import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAgent, fullName } from './support/api';
import {
  horizontalOverflow,
  launchBrowser,
  NARROW,
  newContext,
  screenshot,
  signIn,
  waitForLive,
} from './support/browser';

interface TaskNode {
  task: { id: number; status: string };
  subtasks: TaskNode[];
}

function flatten(nodes: TaskNode[]): TaskNode['task'][] {
  return nodes.flatMap((n) => [n.task, ...flatten(n.subtasks)]);
}

describe('missions', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('launches a mission with the policy’s suggestion and watches its tasks appear and progress live', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/missions');
    await waitForLive(page);
    const cmo = await findAgent(
      page.request,
      (a) => a.profile.department === 'Marketing' && a.managerAgentId === null,
      'head of marketing',
    );

    const title = `Marketing launch of the partner programme ${Date.now()}`;
    await page.getByLabel('Title').fill(title);
    await page
      .getByLabel('Description')
      .fill('Position the programme, plan the launches and the brand campaign for partners.');
    await page.getByRole('button', { name: 'Suggest an agent' }).click();
    await page.getByRole('status').filter({ hasText: 'matches the mission best' }).waitFor();
    expect(await page.getByRole('radio', { name: new RegExp(fullName(cmo)) }).isChecked()).toBe(
      true,
    );
    await screenshot(page, 'mission-launcher');

    await page.getByRole('button', { name: 'Launch mission' }).click();
    await page.waitForURL(/\/missions\/\d+$/);
    const missionId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('heading', { name: title }).waitFor();
    await screenshot(page, 'mission-launched');

    // The agents work with the offline model: the assignee delegates, and the tree grows on screen
    // without a reload (the live layer refetches the tree on task events).
    const tree = page.getByRole('group', { name: 'Subtasks' });
    await tree.locator('li').first().waitFor({ timeout: 45_000 });
    await screenshot(page, 'mission-tasks-appear');

    // Progress: a subtask leaves the queue (runs, waits or finishes), as the Api reports it.
    await expect
      .poll(
        async () => {
          const nodes = (await (
            await page.request.get(`/api/tasks/${missionId}/subtasks`)
          ).json()) as TaskNode[];
          return flatten(nodes).some((t) => t.status !== 'queued');
        },
        { timeout: 45_000, interval: 500 },
      )
      .toBe(true);
    await expect
      .poll(
        async () =>
          (await tree.locator('.badge').allTextContents()).some((s) => !/^Queued$/.test(s.trim())),
        { timeout: 10_000 },
      )
      .toBe(true);
    await screenshot(page, 'mission-tasks-progress');
    await context.close();
  });

  it('pauses and resumes a mission from its page', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/missions');
    await waitForLive(page);
    const cmo = await findAgent(
      page.request,
      (a) => a.profile.department === 'Marketing' && a.managerAgentId === null,
      'head of marketing',
    );
    const title = `Marketing launch of the reseller programme ${Date.now()}`;
    await page.getByLabel('Title').fill(title);
    await page
      .getByLabel('Description')
      .fill('Position the programme, plan the launches and the brand campaign for resellers.');
    await page.getByRole('radio', { name: new RegExp(fullName(cmo)) }).check();
    await page.getByRole('button', { name: 'Launch mission' }).click();
    await page.getByRole('heading', { name: title }).waitFor();
    // Once it has delegated, the mission runs while its team works (publications wait for approval).
    await page
      .getByRole('group', { name: 'Subtasks' })
      .locator('li')
      .first()
      .waitFor({ timeout: 45_000 });

    // The agent picks the mission up at once, so the version the page holds may be one change
    // behind: the Api then refuses with 412 in words, the live layer refreshes the task, and a
    // second click goes through.
    const command = async (label: 'Pause' | 'Resume', done: string) => {
      for (let attempt = 1; ; attempt++) {
        const button = page.getByRole('button', { name: label });
        await expect.poll(async () => button.isEnabled(), { timeout: 10_000 }).toBe(true);
        await button.click();
        const toast = page.getByText(done);
        const refusal = page.getByRole('region', { name: 'Controls' }).getByRole('alert');
        await toast.or(refusal).first().waitFor();
        if (await toast.isVisible()) return;
        if (attempt === 3) throw new Error(`${label} refused: ${await refusal.textContent()}`);
        await page.waitForTimeout(500);
      }
    };
    await command('Pause', 'Task paused');
    const resume = page.getByRole('button', { name: 'Resume' });
    await resume.waitFor();
    await screenshot(page, 'mission-paused');
    const missionId = Number(new URL(page.url()).pathname.split('/').pop());
    expect(
      ((await (await page.request.get(`/api/tasks/${missionId}`)).json()) as { status: string })
        .status,
    ).toBe('paused');

    await command('Resume', 'Task resumed');
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    expect(
      ((await (await page.request.get(`/api/tasks/${missionId}`)).json()) as { status: string })
        .status,
    ).not.toBe('paused');
    await screenshot(page, 'mission-resumed');
    await context.close();
  });

  it('works in a narrow window and in the dark theme', async () => {
    const context = await newContext(browser, { viewport: NARROW, colorScheme: 'dark' });
    const page = await context.newPage();
    await signIn(page, '/missions');
    await page.getByRole('heading', { name: 'Launch a mission' }).waitFor();
    await page.getByRole('heading', { name: 'Missions', level: 2 }).waitFor();
    expect(await horizontalOverflow(page)).toBeNull();
    await screenshot(page, 'missions-narrow-dark');
    await context.close();
  });
});
