import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAgent, fullName } from './support/api';
import { launchBrowser, newContext, screenshot, signIn, waitForLive } from './support/browser';

interface Grants {
  sources: string[];
}

describe('data sources', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the SQL views an agent may query in its side panel, and grants and revokes one', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/org');
    await waitForLive(page);
    const cto = await findAgent(page.request, (a) => a.profile.role === 'CTO', 'CTO');
    const catalogue = (await (await page.request.get('/api/knowledge/sql/sources')).json()) as {
      name: string;
    }[];
    const grants = async () =>
      (
        (await (
          await page.request.get(`/api/knowledge/sql/agents/${cto.id}/sources`)
        ).json()) as Grants
      ).sources;
    const before = await grants();
    const source = catalogue.find((s) => !before.includes(s.name));
    if (!source) throw new Error('The catalogue has no data source the CTO lacks.');

    await page.getByRole('button', { name: new RegExp(`^${fullName(cto)},`) }).click();
    const panel = page.getByRole('complementary', { name: 'Agent' });
    const list = panel.getByRole('list', { name: 'SQL data sources' });
    await list.waitFor();
    const box = list.getByRole('checkbox', { name: source.name, exact: true });
    await box.scrollIntoViewIfNeeded();
    expect(await box.isChecked()).toBe(false);

    await box.check();
    await expect.poll(grants).toContain(source.name);
    expect(await box.isChecked()).toBe(true);
    await screenshot(page, 'agent-data-sources');

    await box.uncheck();
    await expect.poll(grants).not.toContain(source.name);
    expect(await box.isChecked()).toBe(false);
    await context.close();
  });
});
