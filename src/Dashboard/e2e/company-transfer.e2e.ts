import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './support/browser';
import { ceoPage, viewerPage } from './support/members';

interface CompanyDocument {
  format: string;
  formatVersion: number;
  sections: { agents: unknown[]; workflows: { name: string }[] };
}

describe('company export and import', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('downloads the export, compares it with the company in a dry run, is refused into a company that is not empty, and imports it into an empty one', async () => {
    const { context, page } = await ceoPage(browser, '/company/transfer');
    const name = `Exported ${Date.now().toString(36)}`;
    const created = await page.request.post('/api/workflows', {
      data: {
        name,
        expectedVersion: null,
        definition: {
          steps: [{ id: 'only', agent: { role: 'CTO' }, title: 'Only step', brief: 'Do it.' }],
        },
      },
    });
    expect(created.status()).toBe(201);
    const workflowId = ((await created.json()) as { id: number }).id;

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the export' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const text = await readFile(await download.path());
    const document = JSON.parse(text.toString('utf8')) as CompanyDocument;
    expect(document.format).toBe('fluidmanager.company');
    expect(document.formatVersion).toBe(1);
    expect(document.sections.workflows.map((w) => w.name)).toContain(name);

    // The company changes after the export: the dry run names the difference.
    expect((await page.request.delete(`/api/workflows/${workflowId}`)).status()).toBe(204);
    const input = page.getByLabel('Company document (JSON)');
    await input.setInputFiles({
      name: 'export.json',
      mimeType: 'application/json',
      buffer: text,
    });
    await page.getByRole('definition').filter({ hasText: 'export.json' }).waitFor();
    await page.getByRole('button', { name: 'Compare (dry run)' }).click();
    const differences = page.getByRole('table', { name: 'Differences' });
    const workflows = differences.getByRole('row', { name: /^Workflows/ });
    await workflows.getByText(name).waitFor();
    await screenshot(page, 'company-transfer-dry-run');
    // Nothing was written.
    const after = (await (await page.request.get('/api/workflows')).json()) as { name: string }[];
    expect(after.map((w) => w.name)).not.toContain(name);

    await page.getByRole('button', { name: 'Import…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Import into this company?' });
    await confirm.getByRole('button', { name: 'Import', exact: true }).click();
    await confirm.getByText('Create a new company from the company menu').waitFor();
    await screenshot(page, 'company-transfer-not-empty');
    await confirm.getByRole('button', { name: 'Cancel' }).click();

    // A new, empty company of the same CEO takes the document.
    const stamp = Date.now().toString(36);
    const company = await page.request.post('/api/companies', {
      data: { name: `Imported ${stamp}`, slug: `imported-${stamp}` },
    });
    expect(company.status()).toBe(201);
    const companyId = ((await company.json()) as { id: number }).id;
    expect((await page.request.post('/api/auth/switch', { data: { companyId } })).status()).toBe(
      200,
    );
    await page.goto('/company/transfer');
    await page.getByRole('button', { name: /^Company: Imported / }).waitFor();
    await page.getByLabel('Company document (JSON)').setInputFiles({
      name: 'export.json',
      mimeType: 'application/json',
      buffer: text,
    });
    await page.getByRole('button', { name: 'Import…' }).click();
    await page
      .getByRole('dialog', { name: 'Import into this company?' })
      .getByRole('button', { name: 'Import', exact: true })
      .click();
    const report = page.getByRole('table', { name: 'Import report' });
    await report
      .getByRole('row', { name: /^Workflows/ })
      .getByText(name)
      .waitFor();
    await page.getByText(/^Agents created: agent-1 → #\d+/).waitFor();
    await screenshot(page, 'company-transfer-imported');
    const agents = (await (await page.request.get('/api/agents')).json()) as unknown[];
    expect(agents).toHaveLength(document.sections.agents.length);
    const imported = (await (await page.request.get('/api/workflows')).json()) as {
      name: string;
    }[];
    expect(imported.map((w) => w.name)).toContain(name);
    await context.close();
  });

  it('lets a viewer download the export but not import, and the Api refuses the viewer', async () => {
    const ceo = await ceoPage(browser, '/company/transfer');
    const viewer = await viewerPage(browser, ceo.page, '/company/transfer');
    const exported = await viewer.page.request.get('/api/company/export');
    expect(exported.status()).toBe(200);
    await viewer.page.getByLabel('Company document (JSON)').setInputFiles({
      name: 'export.json',
      mimeType: 'application/json',
      buffer: await exported.body(),
    });
    await viewer.page.getByRole('definition').filter({ hasText: 'export.json' }).waitFor();
    expect(await viewer.page.getByRole('button', { name: 'Compare (dry run)' }).isDisabled()).toBe(
      true,
    );
    expect(await viewer.page.getByRole('button', { name: 'Import…' }).isDisabled()).toBe(true);
    const refused = await viewer.page.request.post('/api/company/import?dryRun=true', {
      data: JSON.parse((await exported.body()).toString('utf8')) as unknown,
    });
    expect(refused.status()).toBe(403);
    await viewer.context.close();
    await ceo.context.close();
  });
});
