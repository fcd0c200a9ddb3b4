import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, signIn } from './support/browser';

describe('cluster', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lists the running silo of the Orleans membership with its address and activations', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/cluster');
    const silo = page.getByRole('article', {
      name: `Silo ${process.env.E2E_SILO_NAME ?? 'silo-e2e'}`,
    });
    await silo.waitFor();
    // The silo joins the membership a moment after it starts.
    await silo.filter({ hasText: 'Active' }).waitFor();
    await expect(silo.textContent()).resolves.toMatch(/\d{1,3}(\.\d{1,3}){3}:\d+/);
    await expect(silo.textContent()).resolves.toMatch(/Alive/);
    await expect(
      silo.locator('dt', { hasText: 'Activations' }).locator('+ dd').textContent(),
    ).resolves.toMatch(/^\d+$/);
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    await screenshot(page, 'cluster');
    await context.close();
  });

  it('opens the Orleans Dashboard for the operator', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/cluster');
    const [dashboard] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: 'Orleans Dashboard' }).click(),
    ]);
    await dashboard.waitForLoadState();
    expect(new URL(dashboard.url()).pathname).toBe('/orleans/');
    await expect(dashboard.title()).resolves.toBe('Orleans Dashboard');
    await context.close();
  });
});
