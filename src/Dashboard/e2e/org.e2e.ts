import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAgent, fullName } from './support/api';
import {
  launchBrowser,
  NARROW,
  newContext,
  screenshot,
  signIn,
  waitForLive,
} from './support/browser';

type Box = { x: number; y: number; width: number; height: number };

/**
 * Where a seat is once the chart stands still: the chart fits itself to the window with an
 * animation after it loads (and again when its direction changes), and a person waits for that
 * before grabbing a seat.
 */
async function settledBox(page: Page, name: string): Promise<Box> {
  const seat = page.getByRole('button', { name: new RegExp(`^${name},`) });
  await seat.waitFor();
  const deadline = Date.now() + 10_000;
  let previous: Box | null = null;
  for (;;) {
    const box = await seat.boundingBox();
    if (!box) throw new Error(`cannot see ${name}`);
    const still =
      previous !== null &&
      Math.abs(previous.x - box.x) < 0.5 &&
      Math.abs(previous.y - box.y) < 0.5 &&
      Math.abs(previous.width - box.width) < 0.5;
    if (still) return box;
    if (Date.now() > deadline) throw new Error(`${name} never stood still on the chart`);
    previous = box;
    await page.waitForTimeout(300);
  }
}

/** Drags one seat of the chart onto another with the mouse, in small steps like a person. */
async function drag(page: Page, from: string, to: string, release = true): Promise<void> {
  const source = await settledBox(page, from);
  const target = await settledBox(page, to);
  const start = { x: source.x + source.width / 2, y: source.y + source.height / 2 };
  const end = { x: target.x + target.width / 2, y: target.y + target.height / 2 };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let i = 1; i <= 15; i++) {
    await page.mouse.move(
      start.x + ((end.x - start.x) * i) / 15,
      start.y + ((end.y - start.y) * i) / 15,
    );
    await page.waitForTimeout(20);
  }
  if (release) await page.mouse.up();
}

describe('org chart', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws the company with its levels, departments and live status', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/org');
    await waitForLive(page);
    const cto = await findAgent(page.request, (a) => a.profile.role === 'CTO', 'CTO');
    await page.getByRole('button', { name: new RegExp(`^${fullName(cto)},`) }).waitFor();
    await page
      .getByRole('group', { name: 'Departments' })
      .getByRole('button', { name: /Engineering/ })
      .waitFor();
    await page.getByText(/^Level 0$/).waitFor();
    await screenshot(page, 'org-chart');

    await page.getByLabel('Search agents').fill(cto.profile.role);
    await page.getByLabel('Search agents').press('Enter');
    await page.waitForTimeout(500);
    await screenshot(page, 'org-chart-search');
    await context.close();
  });

  it('shows the hierarchy rule’s refusal where the agent was dropped, and keeps the chart as it was', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/org');
    await waitForLive(page);
    const developer = await findAgent(
      page.request,
      (a) => a.profile.role === 'Developer',
      'developer',
    );
    const salesHead = await findAgent(
      page.request,
      (a) => a.profile.department === 'Sales' && a.managerAgentId === null,
      'head of sales',
    );

    await drag(page, fullName(developer), fullName(salesHead), false);
    const refusal = page.getByRole('alert').filter({ hasText: /Sales/ });
    await refusal.waitFor();
    await screenshot(page, 'org-drag-refused');
    await page.mouse.up();
    await refusal.waitFor();

    const after = await findAgent(page.request, (a) => a.id === developer.id, 'developer');
    expect(after.managerAgentId).toBe(developer.managerAgentId);
    await context.close();
  });

  it('hires an agent in the side panel, and a second tab sees it appear live without reloading', async () => {
    const first = await newContext(browser);
    const second = await newContext(browser);
    const pageA = await first.newPage();
    const pageB = await second.newPage();
    await signIn(pageA, '/org');
    await signIn(pageB, '/org');
    await waitForLive(pageA);
    await waitForLive(pageB);

    const name = `Zoe${Date.now() % 100000}`;
    await pageA.getByRole('button', { name: 'Hire an agent' }).click();
    const form = pageA.getByRole('form', { name: 'Hire agent' });
    await form.getByLabel('First name').fill(name);
    await form.getByLabel('Last name').fill('Quinn');
    await form.getByLabel('Role').fill('Data Analyst');
    await form.getByLabel('Department').fill('Finance');
    await screenshot(pageA, 'org-hire-panel');
    await form.getByRole('button', { name: 'Hire agent' }).click();
    const started = Date.now();

    // The second tab is never reloaded: the agent can only reach it through the live stream.
    // How fast is printed as a figure, not asserted (a loaded machine is not a slow product).
    await pageB.getByRole('button', { name: new RegExp(`^${name} Quinn,`) }).waitFor();
    console.log(`the second tab saw the new agent ${Date.now() - started} ms after the click`);
    await screenshot(pageB, 'org-live-second-tab');

    // Edit it in the first tab: the second tab follows too.
    await pageA.getByRole('button', { name: 'Edit' }).click();
    const edit = pageA.getByRole('form', { name: 'Save changes' });
    await edit.getByLabel('Role').fill('Senior Data Analyst');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await pageB
      .getByRole('button', { name: new RegExp(`^${name} Quinn, Senior Data Analyst`) })
      .waitFor({ timeout: 5000 });

    // And let it go: it leaves both charts.
    await pageA.getByRole('button', { name: 'Delete' }).click();
    await pageA.getByRole('button', { name: 'Delete agent' }).click();
    await pageB
      .getByRole('button', { name: new RegExp(`^${name} Quinn,`) })
      .waitFor({ state: 'detached', timeout: 5000 });
    await first.close();
    await second.close();
  });

  it('explains in words why an agent with reports cannot be deleted', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/org');
    const cto = await findAgent(page.request, (a) => a.profile.role === 'CTO', 'CTO');
    await page.getByRole('button', { name: new RegExp(`^${fullName(cto)},`) }).click();
    await page
      .getByRole('complementary', { name: 'Agent' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('button', { name: 'Delete agent' }).click();
    const problem = page.getByRole('dialog').getByRole('alert');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/open task|manages|report/i);
    await screenshot(page, 'org-delete-refused');
    await context.close();
  });

  it('works in a narrow window and in the dark theme', async () => {
    const context = await newContext(browser, { viewport: NARROW, colorScheme: 'dark' });
    const page = await context.newPage();
    await signIn(page, '/org');
    await waitForLive(page);
    await page.waitForTimeout(500);
    await screenshot(page, 'org-chart-narrow-dark');
    await context.close();
  });
});
