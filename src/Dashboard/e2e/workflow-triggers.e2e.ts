import { createHmac } from 'node:crypto';
import type { APIRequestContext, Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, waitForLive } from './support/browser';
import { ceoPage, viewerPage } from './support/members';

interface Firing {
  deliveryId: string;
  outcome: string;
  runId: number | null;
  error: string | null;
}

/** A one-step template with a required input, started by the trigger's deliveries. */
async function createTemplate(request: APIRequestContext): Promise<{ id: number; name: string }> {
  const name = `Hooked ${Date.now().toString(36)}`;
  const response = await request.post('/api/workflows', {
    data: {
      name,
      expectedVersion: null,
      definition: {
        inputs: { topic: { type: 'string', required: true } },
        steps: [
          {
            id: 'note',
            agent: { role: 'CTO' },
            title: 'Note on ${inputs.topic}',
            brief: 'Write two lines about ${inputs.topic}.',
          },
        ],
      },
    },
  });
  if (!response.ok())
    throw new Error(`creating a template answered ${response.status()}: ${await response.text()}`);
  return { id: ((await response.json()) as { id: number }).id, name };
}

/**
 * A delivery as another system sends it (no session): X-Fluid-Signature is sha256= and the hex
 * HMAC-SHA256 of "{timestamp}.{body}" keyed with the trigger's secret, as the README documents.
 */
async function deliver(url: string, secret: string, deliveryId: string, body: string) {
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Fluid-Timestamp': timestamp,
      'X-Fluid-Delivery': deliveryId,
      'X-Fluid-Signature': `sha256=${signature}`,
    },
    body,
  });
}

describe('workflow triggers', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('creates a webhook trigger, shows its secret once, and lists each signed delivery with the run it started or its error', async () => {
    const { context, page } = await ceoPage(browser, '/workflows');
    const template = await createTemplate(page.request);
    await page.reload();
    await waitForLive(page);
    await page.getByRole('button', { name: new RegExp(template.name) }).click();

    const triggers = page.getByRole('region', { name: 'Triggers' });
    await triggers.getByText('No trigger yet.').waitFor();
    await triggers.getByRole('button', { name: 'New webhook trigger' }).click();
    const dialog = page.getByRole('dialog', { name: 'New webhook trigger' });
    await dialog.getByLabel('Name', { exact: true }).fill('Orders');
    await dialog.getByRole('button', { name: 'Create trigger' }).click();

    const once = page.getByRole('dialog', { name: 'Copy the trigger’s secret' });
    const secret = (await once.getByTestId('new-trigger-secret').textContent()) ?? '';
    const url = (await once.getByTestId('new-trigger-url').textContent()) ?? '';
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(url).toMatch(/\/api\/hooks\/\d+$/);
    await screenshot(page, 'workflow-trigger-secret');
    await once.getByRole('button', { name: 'I have stored it' }).click();
    const item = triggers.getByRole('listitem', { name: 'Trigger Orders' });
    await item.getByText('Not fired yet.').waitFor();
    // The secret was shown once: neither the page nor the Api shows it again.
    expect(await page.getByText(secret).count()).toBe(0);
    const triggerId = Number(url.slice(url.lastIndexOf('/') + 1));
    const stored = await (await page.request.get(`/api/triggers/${triggerId}`)).text();
    expect(stored).not.toContain(secret);

    // A delivery signed with another key starts nothing.
    const forged = await deliver(url, 'x'.repeat(64), 'order-0', '{"topic":"Forged"}');
    expect(forged.status).toBe(401);

    // A correctly signed delivery starts a run; its firing appears without a reload.
    const delivered = await deliver(url, secret, 'order-1', '{"topic":"Oat milk launch"}');
    expect(delivered.status).toBe(202);
    const { runId } = (await delivered.json()) as { runId: number };
    const runLink = item.getByRole('link', { name: `Run #${runId}` });
    await runLink.waitFor();
    const firings = item.getByRole('table', { name: 'Firings' });
    expect(await firings.getByRole('row').filter({ hasText: 'order-1' }).textContent()).toContain(
      'started',
    );

    // A signed delivery without the required input is refused, and recorded with its error.
    const missing = await deliver(url, secret, 'order-2', '{}');
    expect(missing.status).toBe(400);
    await expect
      .poll(async () => {
        const list = (await (
          await page.request.get(`/api/triggers/${triggerId}/firings`)
        ).json()) as Firing[];
        return list.map((f) => `${f.deliveryId}:${f.outcome}`);
      })
      .toEqual(['order-2:rejected', 'order-1:started']);
    // A refused delivery starts no run, so no event: it shows once the page asks again.
    await page.reload();
    await page.getByRole('button', { name: new RegExp(template.name) }).click();
    const rejected = page
      .getByRole('listitem', { name: 'Trigger Orders' })
      .getByRole('row')
      .filter({ hasText: 'order-2' });
    await rejected.getByText('rejected').waitFor();
    expect(await rejected.textContent()).toContain('inputs.topic');
    await screenshot(page, 'workflow-trigger-firings');

    await page
      .getByRole('listitem', { name: 'Trigger Orders' })
      .getByRole('link', { name: `Run #${runId}` })
      .click();
    await page.waitForURL(`**/workflows/runs/${runId}`);
    await page.getByText('trigger:', { exact: false }).first().waitFor();
    await context.close();
  });

  it('disables and deletes a trigger, after which its deliveries start nothing; a viewer sees the controls disabled and the Api refuses', async () => {
    const ceo = await ceoPage(browser, '/workflows');
    const template = await createTemplate(ceo.page.request);
    const created = await ceo.page.request.post(`/api/workflows/${template.id}/triggers`, {
      data: { name: 'Nightly', secret: null, enabled: true, replayWindowSeconds: null },
    });
    expect(created.status()).toBe(201);
    const { trigger, secret } = (await created.json()) as {
      trigger: { id: number; path: string };
      secret: string;
    };
    const url = new URL(trigger.path, ceo.page.url()).toString();

    const viewer = await viewerPage(browser, ceo.page, '/workflows');
    await viewer.page.getByRole('button', { name: new RegExp(template.name) }).click();
    const seen = viewer.page.getByRole('listitem', { name: 'Trigger Nightly' });
    await seen.getByText('Not fired yet.').waitFor();
    expect(await seen.getByRole('checkbox', { name: 'Enabled' }).isDisabled()).toBe(true);
    expect(await seen.getByRole('button', { name: 'New secret' }).isDisabled()).toBe(true);
    expect(
      await viewer.page.getByRole('button', { name: 'New webhook trigger' }).isDisabled(),
    ).toBe(true);
    const refused = await viewer.page.request.post(`/api/triggers/${trigger.id}/secret`);
    expect(refused.status()).toBe(403);
    await viewer.context.close();

    const page = ceo.page;
    await page.reload();
    await page.getByRole('button', { name: new RegExp(template.name) }).click();
    const item = page.getByRole('listitem', { name: 'Trigger Nightly' });
    await item.getByRole('checkbox', { name: 'Enabled' }).uncheck();
    await item.getByText('disabled', { exact: true }).waitFor();
    // The switch shows what was asked before the Api answers: wait for the server's state.
    await expect
      .poll(
        async () =>
          (
            (await (await page.request.get(`/api/triggers/${trigger.id}`)).json()) as {
              enabled: boolean;
            }
          ).enabled,
      )
      .toBe(false);
    expect((await deliver(url, secret, 'n-1', '{"topic":"Off"}')).status).toBe(401);

    // A new secret: the old one signs nothing from then on.
    await item.getByRole('checkbox', { name: 'Enabled' }).check();
    await item.getByText('enabled', { exact: true }).waitFor();
    await item.getByRole('button', { name: 'New secret' }).click();
    await page
      .getByRole('dialog', { name: /Replace the secret/ })
      .getByRole('button', { name: 'Replace the secret' })
      .click();
    const once = page.getByRole('dialog', { name: 'Copy the trigger’s secret' });
    const rotated = (await once.getByTestId('new-trigger-secret').textContent()) ?? '';
    expect(rotated).not.toBe(secret);
    await once.getByRole('button', { name: 'I have stored it' }).click();
    expect((await deliver(url, secret, 'n-2', '{"topic":"Old key"}')).status).toBe(401);
    expect((await deliver(url, rotated, 'n-3', '{"topic":"New key"}')).status).toBe(202);
    await item.getByRole('row').filter({ hasText: 'n-3' }).getByText('started').waitFor();

    await item.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete “Nightly”?' })
      .getByRole('button', { name: 'Delete trigger' })
      .click();
    await page.getByRole('region', { name: 'Triggers' }).getByText('No trigger yet.').waitFor();
    expect((await page.request.get(`/api/triggers/${trigger.id}`)).status()).toBe(404);
    expect((await deliver(url, rotated, 'n-4', '{"topic":"Gone"}')).status).toBe(401);
    await ceo.context.close();
  });
});
