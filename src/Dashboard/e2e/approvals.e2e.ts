import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, signIn, waitForLive } from './support/browser';

interface Pending {
  id: number;
  action: string;
}

describe('approvals', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('counts what waits for the CEO, and an approval leaves the list of every tab', async () => {
    const first = await newContext(browser);
    const second = await newContext(browser);
    const page = await first.newPage();
    const other = await second.newPage();
    await signIn(page, '/approvals');
    await signIn(other, '/approvals');
    await waitForLive(page);
    await waitForLive(other);

    // The demo's agents ask for approvals as they work: wait for one.
    await expect
      .poll(
        async () => ((await (await page.request.get('/api/approvals')).json()) as Pending[]).length,
        {
          timeout: 30_000,
        },
      )
      .toBeGreaterThan(0);
    const pending = ((await (await page.request.get('/api/approvals')).json()) as Pending[])[0]!;
    const item = page.locator(`[data-approval="${pending.id}"]`);
    await item.waitFor();
    const badge = page.getByRole('link', { name: /Approvals/ }).locator('.counter');
    expect(Number(await badge.textContent())).toBeGreaterThan(0);
    await screenshot(page, 'approvals');

    await item.getByLabel(/Comment on/).fill('Go ahead.');
    await item.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Approved', { exact: true }).waitFor();
    await item.waitFor({ state: 'detached' });
    await other.locator(`[data-approval="${pending.id}"]`).waitFor({ state: 'detached' });
    const decided = (await (await page.request.get(`/api/approvals/${pending.id}`)).json()) as {
      status: string;
    };
    expect(decided.status).toBe('approved');
    await first.close();
    await second.close();
  });
});
