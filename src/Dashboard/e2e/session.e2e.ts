import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  horizontalOverflow,
  launchBrowser,
  NARROW,
  newContext,
  screenshot,
  signIn,
  waitForLive,
} from './support/browser';
import { e2e } from './support/env';

describe('signing in', () => {
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sends a visitor to the sign-in page and explains a wrong password in words', async () => {
    context = await newContext(browser);
    const page = await context.newPage();
    await page.goto('/tasks');
    await page.waitForURL('**/login');
    await screenshot(page, 'login');

    await page.getByLabel('E-mail').fill(e2e.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toContain(
      'The e-mail address or the password is wrong.',
    );
    await screenshot(page, 'login-refused');
    await context.close();
  });

  it('signs in, returns to the page asked for, and goes live', async () => {
    context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/cluster');
    expect(new URL(page.url()).pathname).toBe('/cluster');
    await waitForLive(page);
    await expect(page.getByRole('button', { name: /^Company: / }).textContent()).resolves.toContain(
      'CEO',
    );
    await context.close();
  });

  it('switches to the dark theme from the user menu and keeps it after a reload', async () => {
    context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/settings/tokens');
    await page.getByRole('button', { name: /^Account: / }).click();
    await page.getByRole('menuitemradio', { name: 'Dark' }).click();
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    await page.keyboard.press('Escape');
    await page.reload();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    await screenshot(page, 'tokens-dark');
    await context.close();
  });

  it('fits a narrow window, with the navigation in a drawer', async () => {
    context = await newContext(browser, { viewport: NARROW });
    const page = await context.newPage();
    await signIn(page, '/cluster');
    const pages = page.getByRole('navigation', { name: 'Pages' });
    await expect(pages.isVisible()).resolves.toBe(true); // in the DOM, off-screen
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('link', { name: 'Tasks' }).waitFor({ state: 'visible' });
    await screenshot(page, 'narrow-navigation');
    await page.getByRole('link', { name: 'Cluster' }).click();
    await screenshot(page, 'narrow-cluster');
    expect(await horizontalOverflow(page)).toBeNull();
    await context.close();
  });

  it('logs out from the user menu', async () => {
    context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/cluster');
    await page.getByRole('button', { name: /^Account: / }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    await page.goto('/cluster');
    await page.waitForURL('**/login');
    await context.close();
  });
});
