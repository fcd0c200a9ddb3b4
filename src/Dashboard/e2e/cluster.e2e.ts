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

  it('lists the running silo with its heartbeat', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/cluster');
    const silo = page.getByRole('article', {
      name: `Silo ${process.env.E2E_SILO_NAME ?? 'silo-e2e'}`,
    });
    await silo.waitFor();
    await expect(silo.textContent()).resolves.toMatch(/Running/);
    await expect(silo.textContent()).resolves.toMatch(/Heartbeat/);
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    await screenshot(page, 'cluster');
    await context.close();
  });
});
