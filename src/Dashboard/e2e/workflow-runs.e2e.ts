import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, waitForLive } from './support/browser';
import { ceoPage, viewerPage } from './support/members';

/** The offline model's steps take seconds; a loaded machine more. */
const STEP_MS = 60_000;

/** A code such as ABC-1234: the offline model's words never match it, a person can give one. */
const UNREACHABLE = {
  type: 'object',
  required: ['code'],
  properties: { code: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{4}$' } },
};

interface RunBody {
  id: number;
  status: string;
  steps: { key: string; status: string; attempt: number; taskIds: number[] }[];
}

async function hire(request: APIRequestContext, firstName: string): Promise<number> {
  const response = await request.post('/api/agents', {
    data: {
      profile: {
        firstName,
        lastName: 'Ledger',
        role: 'Ledger Clerk',
        department: 'Finance',
        model: 'offline',
      },
      managerAgentId: null,
      placeInOrgChart: true,
      status: null,
    },
  });
  if (!response.ok())
    throw new Error(`hiring answered ${response.status()}: ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

/** A template whose second step fails on the offline model: its result must be a code. */
async function createTemplate(request: APIRequestContext, agentId: number): Promise<number> {
  const name = `Ledger code ${Date.now().toString(36)}`;
  const response = await request.post('/api/workflows', {
    data: {
      name,
      expectedVersion: null,
      definition: {
        inputs: {
          ledger: { type: 'string', required: true },
          accounts: { type: 'integer', default: 3 },
        },
        steps: [
          {
            id: 'draft',
            agent: { id: agentId },
            title: 'Draft the ledger ${inputs.ledger}',
            brief: 'List ${inputs.accounts} accounts for the ledger ${inputs.ledger}.',
          },
          {
            id: 'code',
            requires: ['draft'],
            agent: { id: agentId },
            title: 'Issue the account code',
            brief: 'Give the account code for: ${steps.draft.result}',
            output: { schema: UNREACHABLE },
          },
        ],
      },
    },
  });
  if (!response.ok())
    throw new Error(
      `creating the template answered ${response.status()}: ${await response.text()}`,
    );
  return ((await response.json()) as { id: number }).id;
}

function stepNode(page: Page, key: string) {
  return page.locator(`[data-step="${key}"]`);
}

async function waitForStep(page: Page, key: string, status: string): Promise<void> {
  await page.locator(`[data-step="${key}"][data-status="${status}"]`).waitFor({ timeout: STEP_MS });
}

describe('workflow runs', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('starts a run from its template, shows the steps live in two tabs, retries and skips the failed step, and keeps the controls from a viewer', async () => {
    const ceo = await ceoPage(browser, '/workflows');
    const { page } = ceo;
    const agentId = await hire(page.request, `Lea${Date.now().toString(36)}`);
    const workflowId = await createTemplate(page.request, agentId);
    await page.reload();
    await waitForLive(page);
    const list = page.getByRole('list', { name: 'Workflow templates' });
    await list
      .getByRole('button', { name: /Ledger code/ })
      .last()
      .click();

    // A wrong input: the server's 400 beside the field it names.
    const accounts = page.getByLabel('accounts (integer)');
    expect(await accounts.inputValue()).toBe('3');
    await page.getByLabel('ledger (string, required)').fill('Q3 ledger');
    await accounts.fill('many');
    await page.getByRole('button', { name: 'Start a run' }).click();
    await page.getByText('inputs.accounts: must be of type integer').waitFor();
    expect(await accounts.getAttribute('aria-invalid')).toBe('true');
    const none = (await (await page.request.get(`/api/workflows/${workflowId}/runs`)).json()) as [];
    expect(none).toEqual([]);

    await accounts.fill('2');
    await page.getByRole('button', { name: 'Start a run' }).click();
    await page.waitForURL(/\/workflows\/runs\/\d+$/);
    const runId = Number(/\/workflows\/runs\/(\d+)$/.exec(page.url())![1]);
    await page.getByRole('heading', { name: /^Run #\d+ of Ledger code/ }).waitFor();
    await waitForLive(page);

    // The graph fills in by itself: the first step completes, then the second fails.
    await waitForStep(page, 'draft', 'completed');
    expect(await stepNode(page, 'draft').textContent()).toContain('completed');

    // A second tab, opened on the run, follows it live too.
    const second = await ceoPage(browser, `/workflows/runs/${runId}`);
    await waitForLive(second.page);
    await waitForStep(page, 'code', 'failed');
    await waitForStep(second.page, 'code', 'failed');
    await page.getByRole('status', { name: 'Run status: failed' }).waitFor({ timeout: STEP_MS });
    await screenshot(page, 'workflow-run-failed');

    await stepNode(page, 'code').click();
    const error = page.getByRole('note', { name: 'Step error' });
    await error.waitFor();
    expect(await error.textContent()).toContain('does not match the output schema');
    const failed = (await (
      await page.request.get(`/api/workflow-runs/${runId}`)
    ).json()) as RunBody;
    const failedCode = failed.steps.find((s) => s.key === 'code')!;
    const codeTask = failedCode.taskIds[0]!;
    expect(
      await page
        .getByRole('link', { name: `Task #${codeTask}` })
        .first()
        .getAttribute('href'),
    ).toBe(`/tasks/${codeTask}`);

    // A viewer sees the run, every control disabled, and the Api refuses the viewer's retry.
    const viewer = await viewerPage(browser, page, `/workflows/runs/${runId}`);
    await waitForStep(viewer.page, 'code', 'failed');
    await viewer.page.locator('[data-step="code"]').click();
    for (const name of ['Cancel run', 'Retry step', 'Skip step'])
      expect(await viewer.page.getByRole('button', { name }).isDisabled()).toBe(true);
    const refused = await viewer.page.request.post(`/api/workflow-runs/${runId}/steps/code/retry`);
    expect(refused.status()).toBe(403);
    await viewer.context.close();

    // Retry: one more attempt (the offline model fails it again), seen in both tabs.
    const next = `attempt ${failedCode.attempt + 1}`;
    await page.getByRole('button', { name: 'Retry step' }).click();
    await page.locator('[data-step="code"]', { hasText: next }).waitFor({ timeout: STEP_MS });
    await second.page
      .locator('[data-step="code"]', { hasText: next })
      .waitFor({ timeout: STEP_MS });
    await waitForStep(page, 'code', 'failed');

    // Skip with a result: a wrong one is refused by the step's schema, a right one completes the run.
    const editor = page.getByLabel('Result to skip with (JSON)');
    await editor.fill('{ "code": "abc" }');
    await page.getByRole('button', { name: 'Skip step' }).click();
    await page.getByText(/does not match the step's output schema/).waitFor();
    await editor.fill('{ "code": "LED-2026" }');
    await page.getByRole('button', { name: 'Skip step' }).click();
    await waitForStep(page, 'code', 'skipped');
    await page.getByRole('status', { name: 'Run status: completed' }).waitFor({ timeout: STEP_MS });
    await waitForStep(second.page, 'code', 'skipped');
    await second.page
      .getByRole('status', { name: 'Run status: completed' })
      .waitFor({ timeout: STEP_MS });
    expect(await page.getByLabel('Step result').textContent()).toContain('LED-2026');
    await screenshot(page, 'workflow-run-completed');

    const done = (await (await page.request.get(`/api/workflow-runs/${runId}`)).json()) as RunBody;
    expect(done.status).toBe('completed');
    expect(done.steps.map((s) => [s.key, s.status])).toEqual([
      ['draft', 'completed'],
      ['code', 'skipped'],
    ]);
    expect(done.steps[1]!.taskIds.length).toBe(failedCode.taskIds.length + 1);

    // The template's runs list it with its status.
    await page.getByRole('link', { name: 'Workflows' }).first().click();
    await list
      .getByRole('button', { name: /Ledger code/ })
      .last()
      .click();
    const runs = page.getByRole('table', { name: 'Runs' });
    const run = runs
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: `Run #${runId}`, exact: true }) });
    await run.waitFor();
    // The list may have been read while the run was still going: it shows the end once told of it.
    await expect.poll(() => run.textContent()).toContain('completed');

    await second.context.close();
    await ceo.context.close();
    // Three model steps, each allowed STEP_MS: a loaded machine takes more than the default minute.
  }, 240_000);
});
