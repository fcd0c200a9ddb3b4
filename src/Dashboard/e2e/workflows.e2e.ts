import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, signIn, waitForLive } from './support/browser';

interface Workflow {
  id: number;
  name: string;
  version: number;
  stepCount: number;
}

function definition(reviewRequires: string, reviewTitle: string) {
  return {
    description: 'Release notes, drafted then reviewed.',
    inputs: { release: { type: 'string', required: true } },
    steps: [
      {
        id: 'draft',
        agent: { role: 'CTO' },
        title: 'Draft the notes of ${inputs.release}',
        brief: 'List what changed in ${inputs.release}.',
      },
      {
        id: 'review',
        requires: [reviewRequires],
        agent: { role: 'CTO' },
        title: reviewTitle,
        brief: 'Check the draft: ${steps.draft.result}',
      },
    ],
  };
}

describe('workflows', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('creates a template, shows its steps as a graph, refuses an invalid edit by naming the field, and saves a valid one as a new version', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/workflows');
    await waitForLive(page);
    const name = `Release notes ${Date.now().toString(36)}`;
    const editor = page.getByLabel('Definition (JSON)');

    await page.getByRole('button', { name: 'New template' }).click();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await editor.fill(JSON.stringify(definition('draft', 'Review the notes'), null, 2));
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText(`Saved “${name}” as version 1`).waitFor();
    const graph = page.getByRole('img', { name: /Steps of the workflow: draft, then review/ });
    await graph.waitFor();
    expect(await graph.locator('[data-edge="draft>review"]').count()).toBe(1);
    const created = ((await (await page.request.get('/api/workflows')).json()) as Workflow[]).find(
      (w) => w.name === name,
    );
    if (!created) throw new Error(`The Api does not list the template ${name}.`);
    expect(created).toMatchObject({ version: 1, stepCount: 2 });
    await screenshot(page, 'workflow-template');

    // An edit that names a step that does not exist: the server's words, by the field's path.
    await editor.fill(JSON.stringify(definition('drafts', 'Review the notes'), null, 2));
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    const refused = page.getByRole('list', { name: 'Validation errors' });
    await refused.waitFor();
    expect(await refused.textContent()).toContain(
      "definition.steps[1].requires[0]: unknown step 'drafts'",
    );
    await screenshot(page, 'workflow-refused');
    const unchanged = (await (
      await page.request.get(`/api/workflows/${created.id}/versions`)
    ).json()) as { version: number }[];
    expect(unchanged.map((v) => v.version)).toEqual([1]);

    // A valid edit is saved as version 2, and version 1 stays readable.
    await editor.fill(JSON.stringify(definition('draft', 'Review and publish the notes'), null, 2));
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByText(`Saved “${name}” as version 2`).waitFor();
    await page.getByRole('button', { name: 'Version 2 (current)' }).waitFor();
    await page.getByRole('button', { name: 'Version 1', exact: true }).waitFor();
    const current = (await (await page.request.get(`/api/workflows/${created.id}`)).json()) as {
      version: number;
      definition: { steps: { title: string }[] };
    };
    expect(current.version).toBe(2);
    expect(current.definition.steps[1]!.title).toBe('Review and publish the notes');
    const versions = (await (
      await page.request.get(`/api/workflows/${created.id}/versions`)
    ).json()) as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    await page.getByRole('button', { name: 'Version 1', exact: true }).click();
    await page
      .getByRole('heading', { name: `${name} · version 1 (saving makes it the newest)` })
      .waitFor();
    expect(await editor.inputValue()).toContain('"Review the notes"');

    await page.getByRole('button', { name: 'Delete' }).click();
    await expect
      .poll(async () => (await page.request.get(`/api/workflows/${created.id}`)).status())
      .toBe(404);
    await context.close();
  });
});
