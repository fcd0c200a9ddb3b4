import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, signIn } from './support/browser';
import { e2e } from './support/env';

async function meWith(token: string): Promise<number> {
  const response = await fetch(`${e2e.baseUrl}/api/auth/me`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return response.status;
}

describe('API tokens', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('creates a token shown once, that works, then revokes it so that it stops working', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/settings/tokens');
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();

    const name = `ci-nightly-${Date.now()}`;
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Copy your new token' });
    await dialog.waitFor();
    const secret = (await dialog.getByTestId('new-token').textContent()) ?? '';
    expect(secret).toMatch(/^fm_/);
    await screenshot(page, 'token-created');
    expect(await meWith(secret)).toBe(200);

    await dialog.getByRole('button', { name: 'I have stored it' }).click();
    const row = page.locator(`tr[data-token="${name}"]`);
    await expect(row.textContent()).resolves.toContain('Active');
    await screenshot(page, 'tokens');

    await row.getByRole('button', { name: `Revoke ${name}` }).click();
    await page
      .getByRole('dialog', { name: `Revoke “${name}”?` })
      .getByRole('button', { name: 'Revoke token' })
      .click();
    await row.getByText('Revoked', { exact: true }).waitFor();
    await page.getByText(`“${name}” revoked`).waitFor();
    expect(await meWith(secret)).toBe(401);
    await screenshot(page, 'token-revoked');
    await context.close();
  });

  it('names the refused field when the Api refuses a token', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/settings/tokens');
    await page.getByLabel('Name').fill('x'.repeat(300));
    await page.getByRole('button', { name: 'Create token' }).click();
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(/Name:/);
    await screenshot(page, 'token-refused');
    await context.close();
  });
});
