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

describe('policies', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lists the rules, adds one, switches it off and deletes it; a duplicate is refused in the Api’s words', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/policies');
    await waitForLive(page);
    const rules = page.getByRole('list', { name: 'Hierarchy rules' });
    await rules.getByText('sales-never-above-engineering').waitFor();
    await screenshot(page, 'policies');

    const name = `finance-never-above-marketing-${Date.now()}`;
    const add = async () => {
      await page.getByRole('button', { name: 'Add rule' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a rule' });
      await dialog.getByLabel('Name').fill(name);
      await dialog.getByLabel('Kind').selectOption('role_separation');
      await dialog.getByLabel('Never above: departments').fill('Finance');
      await dialog.getByLabel('These departments').fill('Marketing');
      await dialog.getByLabel('Reason (shown with every refusal)').fill('Budgets are not briefs.');
      await dialog.getByRole('button', { name: 'Add rule' }).click();
      return dialog;
    };
    await add();
    await page.getByText('Rule added').waitFor();
    const item = rules.locator('li').filter({ hasText: name });
    await item.getByText('finance never above marketing: Budgets are not briefs.').waitFor();

    // The same name again: the Api refuses, and the dialog says why in its words.
    const dialog = await add();
    const refusal = dialog.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/already|exists|name/i);
    await screenshot(page, 'policies-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await item.getByRole('checkbox', { name: `${name} enabled` }).uncheck();
    await item.getByText('Off').waitFor();
    await expect
      .poll(async () => {
        const all = (await (await page.request.get('/api/policies/rules')).json()) as {
          name: string;
          enabled: boolean;
        }[];
        return all.find((r) => r.name === name)?.enabled;
      })
      .toBe(false);

    await item.getByRole('button', { name: `Delete ${name}` }).click();
    await page.getByRole('button', { name: 'Delete rule' }).click();
    await page.getByText('Rule deleted').waitFor();
    await item.waitFor({ state: 'detached' });
    await context.close();
  });

  it('asks whether one agent may assign work to another and shows the refusal', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/policies');
    const sales = await findAgent(
      page.request,
      (a) => a.profile.department === 'Sales' && a.managerAgentId === null,
      'head of sales',
    );
    const developer = await findAgent(
      page.request,
      (a) => a.profile.role === 'Developer',
      'developer',
    );
    await page
      .getByRole('option', { name: new RegExp(fullName(sales)) })
      .first()
      .waitFor({ state: 'attached' });
    await page.getByLabel('Who assigns').selectOption(String(sales.id));
    await page.getByLabel('Who would receive the work').selectOption(String(developer.id));
    const answer = page.getByRole('status').filter({ hasText: 'Refused' });
    await answer.waitFor();
    expect(await answer.textContent()).toContain(fullName(sales));
    await screenshot(page, 'policies-can-assign');
    await context.close();
  });

  it('works in a narrow window and in the dark theme', async () => {
    const context = await newContext(browser, { viewport: NARROW, colorScheme: 'dark' });
    const page = await context.newPage();
    await signIn(page, '/policies');
    await page.getByRole('list', { name: 'Hierarchy rules' }).waitFor();
    expect(await horizontalOverflow(page)).toBeNull();
    await screenshot(page, 'policies-narrow-dark');
    await context.close();
  });
});
