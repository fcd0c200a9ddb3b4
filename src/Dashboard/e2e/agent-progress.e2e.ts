import type { APIRequestContext, APIResponse, Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  signInAs,
  waitForLive,
} from './support/browser';
import { addMember } from './support/members';

interface Approval {
  id: number;
  taskId: number;
  status: string;
}

interface PlaybookChange {
  id: number;
  agentId: number;
  status: string;
  instruction: string;
}

interface MemoryItem {
  id: number;
  content: string;
  forgottenAt?: string | null;
}

async function ok<T>(response: APIResponse, what: string): Promise<T> {
  if (!response.ok())
    throw new Error(`${what} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function hire(request: APIRequestContext, firstName: string): Promise<number> {
  const agent = await ok<{ id: number }>(
    await request.post('/api/agents', {
      data: {
        profile: {
          firstName,
          lastName: 'Progress',
          role: 'Copywriter',
          department: 'Marketing',
          model: 'offline',
        },
        managerAgentId: null,
        placeInOrgChart: true,
        status: null,
      },
    }),
    `hiring ${firstName}`,
  );
  return agent.id;
}

async function createTask(request: APIRequestContext, agentId: number, title: string) {
  return ok<{ id: number }>(
    await request.post('/api/tasks', {
      data: { title, assigneeAgentId: agentId, project: 'website' },
    }),
    `creating “${title}”`,
  );
}

/**
 * Waits for the publishing task's approval request (publication waits for the CEO) and rejects it
 * with the reason: the rejection leaves a lesson in the agent's memory.
 */
async function reject(request: APIRequestContext, taskId: number, reason: string): Promise<void> {
  let approval: Approval | undefined;
  await expect
    .poll(
      async () => {
        const pending = await ok<Approval[]>(await request.get('/api/approvals'), 'the approvals');
        approval = pending.find((a) => a.taskId === taskId && a.status === 'pending');
        return approval !== undefined;
      },
      { timeout: 90_000, interval: 500 },
    )
    .toBe(true);
  await ok(
    await request.post(`/api/approvals/${approval!.id}/reject`, { data: { comment: reason } }),
    'rejecting the approval',
  );
}

describe('agent progress', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows an agent’s progress and memory: search, forget and a playbook approval reach a second tab live, and a viewer may only look', async () => {
    const ceoContext = await newContext(browser);
    const page = await ceoContext.newPage();
    await signIn(page, '/org');
    await waitForLive(page);
    const request = page.request;

    // Seed: a new copywriter, two facts told by the CEO, and the same feedback twice, which
    // leaves two lessons and proposes the reason as a standing instruction.
    const firstName = `Pia${Date.now().toString(36)}`;
    const agentId = await hire(request, firstName);
    const remember = async (content: string) =>
      ok<MemoryItem>(
        // The first embedding loads the model in the Api: give it time on a loaded machine.
        await request.post(`/api/agents/${agentId}/memory`, {
          data: { kind: 'fact', content },
          timeout: 60_000,
        }),
        'remembering a fact',
      );
    const deployments = await remember('Deployments happen on Tuesdays, never on Fridays.');
    const invoices = await remember('Invoices go out on the first working day of the month.');
    const reason = 'Sale announcements must state the discount and its end date.';
    const spring = await createTask(request, agentId, 'Publish the spring sale announcement');
    const autumn = await createTask(request, agentId, 'Publish the autumn sale announcement');
    await reject(request, spring.id, reason);
    await reject(request, autumn.id, reason);
    let change: PlaybookChange | undefined;
    await expect
      .poll(
        async () => {
          const pending = await ok<PlaybookChange[]>(
            await request.get('/api/inbox/playbook-changes'),
            'the pending playbook changes',
          );
          change = pending.find((c) => c.agentId === agentId);
          return change?.status;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('proposed');
    expect(change!.instruction).toBe(reason);

    // The CEO opens the agent from the org chart, then its progress page.
    await page.reload();
    await page.getByRole('button', { name: new RegExp(`^${firstName} Progress,`) }).click();
    await page
      .getByRole('complementary', { name: 'Agent' })
      .getByRole('link', { name: 'Progress, memory and playbook' })
      .click();
    await page.waitForURL(`**/agents/${agentId}/progress`);
    await page.getByRole('heading', { name: `${firstName} Progress` }).waitFor();
    const figures = page.getByLabel('Figures');
    await figures.getByText('Tasks failed').waitFor();
    await page.getByRole('heading', { name: 'Budget use' }).waitFor();
    await page.getByRole('heading', { name: 'Worklog' }).waitFor();
    await waitForLive(page);
    await screenshot(page, 'agent-progress');

    // A second tab of the CEO watches the memory.
    const otherContext = await newContext(browser);
    const other = await otherContext.newPage();
    await signIn(other, `/agents/${agentId}/progress?tab=memory`);
    await waitForLive(other);
    const otherItem = other.locator(`[data-memory-item="${deployments.id}"]`);
    await otherItem.waitFor();

    // A viewer sees the same page with every control disabled, and the Api refuses it.
    const viewer = await addMember(request, 'viewer');
    const viewerContext = await newContext(browser);
    const viewerPage = await viewerContext.newPage();
    await signInAs(
      viewerPage,
      viewer.email,
      viewer.password,
      `/agents/${agentId}/progress?tab=memory`,
    );
    const viewerForget = viewerPage.getByRole('button', {
      name: `Forget memory item ${deployments.id}`,
    });
    await viewerForget.waitFor();
    expect(await viewerForget.isDisabled()).toBe(true);
    expect(
      await viewerPage
        .getByRole('button', { name: `Pin memory item ${deployments.id}` })
        .isDisabled(),
    ).toBe(true);
    await viewerPage.getByRole('tab', { name: /Playbook/ }).click();
    const viewerApprove = viewerPage
      .locator(`[data-playbook-change="${change!.id}"]`)
      .getByRole('button', { name: 'Approve' });
    await viewerApprove.waitFor();
    expect(await viewerApprove.isDisabled()).toBe(true);
    await screenshot(viewerPage, 'agent-playbook-viewer');
    const refusedForget = await viewerPage.request.post(
      `/api/agents/${agentId}/memory/${deployments.id}/forget`,
      { data: { reason: 'Viewers cannot forget.' } },
    );
    expect(refusedForget.status()).toBe(403);
    const refusedApproval = await viewerPage.request.post(
      `/api/agents/${agentId}/playbook/changes/${change!.id}/approve`,
      { data: { comment: null } },
    );
    expect(refusedApproval.status()).toBe(403);
    const stillThere = await ok<MemoryItem>(
      await request.get(`/api/agents/${agentId}/memory/${deployments.id}`),
      'the memory item',
    );
    expect(stillThere.forgottenAt ?? null).toBeNull();

    // The CEO searches the memory: the fact about deployments ranks first.
    await page.getByRole('tab', { name: 'Memory' }).click();
    await page.getByLabel('Search memory').fill('which day are deployments');
    await page.getByRole('button', { name: 'Search' }).click();
    const list = page.getByRole('list', { name: 'Memory items' });
    await list.locator('[data-memory-item]').first().waitFor();
    expect(await list.locator('[data-memory-item]').first().getAttribute('data-memory-item')).toBe(
      String(deployments.id),
    );
    await screenshot(page, 'agent-memory-search');

    // Forget it: it leaves the search here and the other tab's list, live.
    await page.getByRole('button', { name: `Forget memory item ${deployments.id}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Why (kept in the record)').fill('We deploy every day now.');
    await dialog.getByRole('button', { name: 'Forget', exact: true }).click();
    await page.locator(`[data-memory-item="${deployments.id}"]`).waitFor({ state: 'detached' });
    await otherItem.waitFor({ state: 'detached', timeout: 20_000 });
    await other.locator(`[data-memory-item="${invoices.id}"]`).waitFor();
    const forgotten = await ok<MemoryItem>(
      await request.get(`/api/agents/${agentId}/memory/${deployments.id}`),
      'the forgotten item',
    );
    expect(forgotten.forgottenAt).toBeTruthy();
    const hits = await ok<{ item: MemoryItem }[]>(
      await request.get(`/api/agents/${agentId}/memory?q=deployments`, { timeout: 60_000 }),
      'the memory search',
    );
    expect(hits.map((h) => h.item.id)).not.toContain(deployments.id);

    // Approve the playbook change: the other tab sees it decided, live.
    await other.getByRole('tab', { name: /Playbook/ }).click();
    const otherChange = other.locator(`[data-playbook-change="${change!.id}"]`);
    await otherChange.getByRole('button', { name: 'Approve' }).waitFor();
    await page.getByRole('tab', { name: /Playbook/ }).click();
    const row = page.locator(`[data-playbook-change="${change!.id}"]`);
    await row.getByText('(empty)').waitFor();
    await screenshot(page, 'agent-playbook');
    await row.getByLabel('Comment (optional)').fill('Yes, always.');
    await row.getByRole('button', { name: 'Approve' }).click();
    await row.getByText('approved', { exact: true }).waitFor();
    await otherChange.getByText('approved', { exact: true }).waitFor({ timeout: 20_000 });
    expect(await otherChange.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    const decided = await ok<PlaybookChange[]>(
      await request.get(`/api/agents/${agentId}/playbook/changes`),
      'the playbook changes',
    );
    expect(decided.find((c) => c.id === change!.id)?.status).toBe('approved');
    const stillPending = await ok<PlaybookChange[]>(
      await request.get('/api/inbox/playbook-changes'),
      'the pending playbook changes',
    );
    expect(stillPending.map((c) => c.id)).not.toContain(change!.id);

    await viewerContext.close();
    await otherContext.close();
    await ceoContext.close();
  }, 300_000);
});
