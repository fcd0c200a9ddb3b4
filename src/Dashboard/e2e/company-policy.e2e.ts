import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, waitForLive } from './support/browser';
import { ceoPage, viewerPage } from './support/members';

interface Policy {
  allowedModels: string[];
  serverAllowedModels: string[];
  monthlyBudgetUsd: number | null;
  webDailyQuota: number | null;
  ceoAssignment: string;
  version: number;
}

describe('company policy', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('saves the policy, shows a refused field beside it, and a second tab sees the change live', async () => {
    const { context, page } = await ceoPage(browser, '/policies');
    const other = await context.newPage();
    await other.goto('/policies');
    await waitForLive(page);
    await waitForLive(other);
    const form = page.getByRole('form', { name: 'Company policy' });
    await form.getByTestId('server-models').filter({ hasText: 'offline' }).waitFor();

    // A model outside the server's list: the Api's words appear under the field.
    await form.getByLabel('Allowed models').fill('offline, openai:gpt-4o');
    await form.getByRole('button', { name: 'Save policy' }).click();
    const models = form.locator('label').filter({ has: page.getByLabel('Allowed models') });
    await models.getByTestId('field-error').filter({ hasText: 'openai:gpt-4o' }).waitFor();
    expect(await models.getByTestId('field-error').textContent()).toMatch(/server/i);
    await screenshot(page, 'company-policy-refused');

    // A negative budget: refused by the Api, named beside its field.
    await form.getByLabel('Allowed models').fill('offline, scripted:*');
    await form.getByLabel('Monthly budget (USD)').fill('-5');
    await form.getByRole('button', { name: 'Save policy' }).click();
    const budgetField = form
      .locator('label')
      .filter({ has: page.getByLabel('Monthly budget (USD)') });
    await budgetField
      .getByTestId('field-error')
      .filter({ hasText: /between 0/ })
      .waitFor();

    const quota = String(40 + (Date.now() % 50));
    await form.getByLabel('Monthly budget (USD)').fill('1500');
    await form.getByLabel('Web requests per agent per day').fill(quota);
    await form.getByLabel('Tasks the CEO assigns').selectOption('direct');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Company policy saved').waitFor();

    const saved = (await (await page.request.get('/api/company-policy')).json()) as Policy;
    expect(saved.monthlyBudgetUsd).toBe(1500);
    expect(saved.webDailyQuota).toBe(Number(quota));
    expect(saved.ceoAssignment).toBe('direct');
    expect(saved.allowedModels).toEqual(['offline', 'scripted:*']);

    // The other tab was not reloaded: the company.policy_changed event brought the new values.
    await expect
      .poll(() =>
        other
          .getByRole('form', { name: 'Company policy' })
          .getByLabel('Web requests per agent per day')
          .inputValue(),
      )
      .toBe(quota);
    await screenshot(other, 'company-policy-live');

    // Put the defaults back for the other flows (every model the server allows, hierarchy).
    const reset = await page.request.put('/api/company-policy', {
      data: {
        allowedModels: [],
        monthlyBudgetUsd: null,
        monthlyTokenLimit: null,
        defaultAgentLimits: null,
        webDailyQuota: null,
        ceoAssignment: 'follow_hierarchy',
        expectedVersion: null,
      },
    });
    expect(reset.status()).toBe(200);
    await context.close();
  });

  it('shows a viewer the policy with every control disabled, and the Api refuses the viewer', async () => {
    const ceo = await ceoPage(browser, '/policies');
    const viewer = await viewerPage(browser, ceo.page, '/policies');
    const form = viewer.page.getByRole('form', { name: 'Company policy' });
    await form.getByLabel('Allowed models').waitFor();
    expect(await form.getByLabel('Allowed models').isDisabled()).toBe(true);
    expect(await form.getByLabel('Monthly budget (USD)').isDisabled()).toBe(true);
    expect(await form.getByRole('button', { name: 'Save policy' }).isDisabled()).toBe(true);
    expect(await form.getByRole('checkbox', { name: 'Publication' }).isDisabled()).toBe(true);
    await screenshot(viewer.page, 'company-policy-viewer');

    const refused = await viewer.page.request.put('/api/company-policy', {
      data: {
        allowedModels: [],
        monthlyBudgetUsd: 1,
        monthlyTokenLimit: null,
        defaultAgentLimits: null,
        webDailyQuota: null,
        ceoAssignment: 'direct',
        expectedVersion: null,
      },
    });
    expect(refused.status()).toBe(403);
    await viewer.context.close();
    await ceo.context.close();
  });
});
