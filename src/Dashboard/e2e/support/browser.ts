import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { e2e, screenshotPath } from './env';

/**
 * Debian's chromium, never a downloaded browser. Playwright gives each launch a fresh temporary
 * profile (its own --user-data-dir), removed when the browser closes.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: e2e.chromium,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const NARROW = { width: 390, height: 844 } as const;

export async function newContext(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: e2e.baseUrl,
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(10_000);
  return context;
}

/** Signs in through the login form and waits for the signed-in frame. */
export async function signIn(page: Page, path = '/'): Promise<void> {
  await signInAs(page, e2e.email, e2e.password, path);
}

/** Signs in as another member (see support/members.ts) through the same form. */
export async function signInAs(
  page: Page,
  email: string,
  password: string,
  path = '/',
): Promise<void> {
  await page.goto(path);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
}

export async function waitForLive(page: Page): Promise<void> {
  await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // Let fonts settle and entrance animations end so that the picture is what people see.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(150);
  await page.screenshot({ path: screenshotPath(name), fullPage: false });
}

/**
 * What makes the page wider than the window, or null: the document itself, or the main area
 * (which scrolls on its own, so its overflow does not widen the document). Names the outermost
 * elements that stick out, so that a failure says where to look.
 */
export async function horizontalOverflow(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const main = document.querySelector('main');
    const documentOverflows = root.scrollWidth > root.clientWidth;
    const mainOverflows = main !== null && main.scrollWidth > main.clientWidth;
    if (!documentOverflows && !mainOverflows) return null;
    const limit = main?.getBoundingClientRect().right ?? root.clientWidth;
    const culprits: string[] = [];
    const visit = (element: Element) => {
      if (culprits.length >= 5) return;
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.right > limit + 1) {
        const name = `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).trim().split(/\s+/).join('.')}` : ''}`;
        culprits.push(`${name} (right edge ${Math.round(box.right)} > ${Math.round(limit)})`);
        return;
      }
      const style = getComputedStyle(element);
      if (style.overflowX === 'auto' || style.overflowX === 'scroll') return;
      for (const child of Array.from(element.children)) visit(child);
    };
    for (const child of Array.from((main ?? document.body).children)) visit(child);
    return `${documentOverflows ? 'the document' : 'the main area'} is wider than the window: ${culprits.join(', ') || 'no element found'}`;
  });
}
