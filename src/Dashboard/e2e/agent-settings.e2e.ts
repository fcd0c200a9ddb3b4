import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, waitForLive } from './support/browser';
import { ceoPage, viewerPage } from './support/members';

/** A 1×1 PNG: the smallest picture the avatar endpoint takes. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

interface AgentBody {
  id: number;
  avatarArtifactId: number | null;
  profile: {
    firstName: string;
    lastName: string;
    model: string;
    affinities?: string[];
    styleGuidelines?: string;
    allowedTools?: string[];
    limits?: { tokensPerDay?: number | null; webDomains?: string[] };
  };
}

async function hire(request: APIRequestContext, firstName: string, model = 'offline') {
  const response = await request.post('/api/agents', {
    data: {
      profile: {
        firstName,
        lastName: 'Settings',
        role: 'Researcher',
        department: 'Research',
        model,
        allowedTools: ['web'],
      },
      managerAgentId: null,
      placeInOrgChart: true,
      status: null,
    },
  });
  if (!response.ok())
    throw new Error(`hiring answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as AgentBody;
}

async function agent(request: APIRequestContext, id: number): Promise<AgentBody> {
  return (await (await request.get(`/api/agents/${id}`)).json()) as AgentBody;
}

async function openPanel(page: Page, name: string) {
  const seat = page.getByRole('button', { name: new RegExp(`^${name} Settings,`) });
  await seat.waitFor();
  // The chart may have grown beyond the window with the agents other flows hired: the seat's own
  // click handler opens the panel wherever the seat is drawn.
  await seat.dispatchEvent('click');
  const panel = page.getByRole('complementary', { name: 'Agent' });
  await panel.getByText(name, { exact: false }).first().waitFor();
  return panel;
}

async function setPolicyModels(request: APIRequestContext, allowedModels: string[]) {
  const response = await request.put('/api/company-policy', {
    data: {
      allowedModels,
      monthlyBudgetUsd: null,
      monthlyTokenLimit: null,
      defaultAgentLimits: null,
      webDailyQuota: null,
      ceoAssignment: 'follow_hierarchy',
      expectedVersion: null,
    },
  });
  expect(response.status()).toBe(200);
}

describe('agent settings', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('edits budgets, web domains, affinities and style beside the use; refusals sit by their fields; a second tab follows', async () => {
    const { context, page } = await ceoPage(browser, '/org');
    const name = `Rhea${Date.now() % 100000}`;
    const hired = await hire(page.request, name);
    const other = await context.newPage();
    await other.goto('/org');
    await waitForLive(page);
    await waitForLive(other);
    const panel = await openPanel(page, name);
    const otherPanel = await openPanel(other, name);
    await panel.getByTestId('use-day').filter({ hasText: 'no limit' }).waitFor();

    await panel.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Save changes' });
    await form.getByText('Used today').waitFor();
    await form.getByLabel('Tokens per day').fill('-5');
    await form.getByRole('button', { name: 'Save changes' }).click();
    const dayField = form.locator('label').filter({ has: page.getByLabel('Tokens per day') });
    await dayField
      .getByTestId('field-error')
      .filter({ hasText: /negative/ })
      .waitFor();

    await form.getByLabel('Tokens per day').fill('5000');
    await form.getByLabel('Web: allowed domains').fill('not a domain!');
    await form.getByRole('button', { name: 'Save changes' }).click();
    const domains = form.locator('label').filter({ has: page.getByLabel('Web: allowed domains') });
    await domains
      .getByTestId('field-error')
      .filter({ hasText: /not a domain/ })
      .waitFor();
    await screenshot(page, 'agent-settings-refused');

    await form.getByLabel('Web: allowed domains').fill('example.com, *.example.org');
    await form.getByLabel('Affinities').fill('pricing, onboarding');
    await form.getByLabel('Style guidelines').fill('Short sentences. No jargon.');
    await form.getByLabel('Seniority').selectOption('senior');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await panel
      .getByTestId('use-day')
      .filter({ hasText: /of 5,?000/ })
      .waitFor();

    const saved = await agent(page.request, hired.id);
    expect(saved.profile.limits?.tokensPerDay).toBe(5000);
    expect(saved.profile.limits?.webDomains).toEqual(['example.com', '*.example.org']);
    expect(saved.profile.affinities).toEqual(['pricing', 'onboarding']);
    expect(saved.profile.styleGuidelines).toBe('Short sentences. No jargon.');

    // The other tab's panel was never reloaded: the agent.updated event brought the change.
    await otherPanel.getByText('pricing, onboarding').waitFor();
    await otherPanel
      .getByTestId('use-day')
      .filter({ hasText: /of 5,?000/ })
      .waitFor();
    await screenshot(other, 'agent-settings-live');
    await context.close();
  });

  it('uploads an avatar after showing its preview', async () => {
    const { context, page } = await ceoPage(browser, '/org');
    const name = `Ivo${Date.now() % 100000}`;
    const hired = await hire(page.request, name);
    const panel = await openPanel(page, name);
    await panel.getByLabel('Avatar picture').setInputFiles({
      name: 'face.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await panel.getByRole('img', { name: 'New picture, not saved yet' }).waitFor();
    await screenshot(page, 'agent-avatar-preview');
    await panel.getByRole('button', { name: 'Save picture' }).click();
    await panel.getByRole('img', { name: 'New picture, not saved yet' }).waitFor({
      state: 'detached',
    });
    await expect
      .poll(async () => (await agent(page.request, hired.id)).avatarArtifactId)
      .not.toBeNull();
    await context.close();
  });

  it('flags an agent whose model the company no longer allows', async () => {
    const { context, page } = await ceoPage(browser, '/org');
    const name = `Pax${Date.now() % 100000}`;
    await hire(page.request, name, 'scripted:demo');
    try {
      await setPolicyModels(page.request, ['offline']);
      const panel = await openPanel(page, name);
      await panel.getByTestId('model-flag').filter({ hasText: 'scripted:demo' }).waitFor();
      await panel.getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('form', { name: 'Save changes' });
      await form.getByText(/no longer allows scripted:demo/).waitFor();
      await screenshot(page, 'agent-model-flagged');
    } finally {
      await setPolicyModels(page.request, []);
    }
    await context.close();
  });

  it('shows a viewer the settings with the controls disabled, and the Api refuses the viewer', async () => {
    const ceo = await ceoPage(browser, '/org');
    const name = `Uma${Date.now() % 100000}`;
    const hired = await hire(ceo.page.request, name);
    const viewer = await viewerPage(browser, ceo.page, '/org');
    const panel = await openPanel(viewer.page, name);
    expect(await panel.getByRole('button', { name: 'Edit' }).isDisabled()).toBe(true);
    expect(await panel.getByLabel('Avatar picture').isDisabled()).toBe(true);
    await screenshot(viewer.page, 'agent-settings-viewer');

    const refused = await viewer.page.request.put(`/api/agents/${hired.id}`, {
      data: { profile: { limits: { tokensPerDay: 1 } }, expectedVersion: null },
    });
    expect(refused.status()).toBe(403);
    const avatar = await viewer.page.request.put(`/api/agents/${hired.id}/avatar`, {
      multipart: { file: { name: 'face.png', mimeType: 'image/png', buffer: PNG } },
    });
    expect(avatar.status()).toBe(403);
    await viewer.context.close();
    await ceo.context.close();
  });
});
