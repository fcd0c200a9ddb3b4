import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { launchBrowser, newContext, screenshot, signIn } from './support/browser';

describe('costs, schedules and knowledge', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows what the company spends, by day and by agent, and sets a budget', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/costs');
    await page.getByRole('heading', { name: /Budget for/ }).waitFor();
    await page.getByRole('img', { name: /by day/ }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'costs');
    await page.getByLabel('Group by').selectOption('agent');
    await page.getByRole('img', { name: /by agent/ }).waitFor();
    await page.getByLabel('Monthly budget in US dollars').fill('250');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Monthly budget set to/).waitFor();
    await screenshot(page, 'costs-by-agent');
    await context.close();
  });

  it('plans recurring work', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/schedules');
    await page.getByRole('button', { name: 'New schedule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New schedule' });
    await dialog.getByLabel('Name').fill('Weekly pipeline review');
    await dialog.getByLabel('Agent').selectOption({ index: 1 });
    await dialog.getByLabel('Task title').fill('Review the pipeline');
    await dialog.getByLabel('Every (minutes)').fill('10080');
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    const item = page.getByRole('listitem').filter({ hasText: 'Weekly pipeline review' });
    await item.getByText(/Every 7 days/).waitFor();
    await screenshot(page, 'schedules');
    await context.close();
  });

  it('keeps documents for agents to search', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/knowledge');
    await page.getByRole('heading', { name: 'Knowledge' }).waitFor();
    await page.getByRole('button', { name: 'New space' }).click();
    const dialog = page.getByRole('dialog', { name: 'New knowledge space' });
    const name = `Handbook ${Date.now() % 10000}`;
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Create space' }).click();
    await page.getByRole('heading', { name }).waitFor();
    await page.getByLabel('Documents to upload').setInputFiles({
      name: 'onboarding.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from(
        '# Onboarding\n\nNew customers create a workspace and invite their team.\n',
      ),
    });
    await page.getByText('onboarding.md', { exact: true }).waitFor();
    await page.getByText('Ready', { exact: true }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'knowledge');
    await context.close();
  });
});
