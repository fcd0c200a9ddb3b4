import type { APIResponse, Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAgent, fullName } from './support/api';
import { launchBrowser, newContext, screenshot, signIn, waitForLive } from './support/browser';
import { startMcpServer, type TestMcpServer } from './support/mcpServer';

interface McpServer {
  id: number;
  name: string;
  transport: string;
  url: string | null;
  headers: Record<string, string>;
  health: string;
  healthError: string | null;
  toolCount: number;
  secretNames: string[];
}

interface McpTool {
  id: number;
  serverId: number;
  name: string;
  agentName: string;
  classification: string;
  defaultClassification: string;
  classifiedBy: string | null;
  grantedTo: number[];
}

async function json<T>(response: APIResponse, what: string): Promise<{ value: T; text: string }> {
  const text = await response.text();
  if (!response.ok()) throw new Error(`${what} answered ${response.status()}: ${text}`);
  return { value: JSON.parse(text) as T, text };
}

describe('integrations', () => {
  let browser: Browser;
  let mcp: TestMcpServer | undefined;
  let ledger: TestMcpServer | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await mcp?.close();
    await ledger?.close();
  });

  it('registers an HTTP MCP server with a secret, lists its tools and health, reclassifies a tool and grants it to an agent; the secret is never shown back', async () => {
    const suffix = Date.now().toString(36);
    const secret = `sk-e2e-${suffix}-${Math.random().toString(36).slice(2)}`;
    mcp = await startMcpServer(secret, [
      {
        name: 'lookup_order',
        description: 'Reads an order by its reference.',
        annotations: { readOnlyHint: true },
      },
      {
        name: 'send_invoice',
        description: 'Sends the invoice of an order.',
        annotations: { readOnlyHint: false, openWorldHint: false },
      },
    ]);
    const name = `billing-${suffix}`;
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/integrations');
    await waitForLive(page);

    // Register it through the form: a header, and the key as a write-only secret.
    const form = page.getByRole('region', { name: 'Register an MCP server' });
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('Transport').selectOption('http');
    await form.getByLabel('URL').fill(mcp.url);
    await form.getByLabel('Headers (Name: value per line)').fill('X-Tenant: acme');
    await form.getByLabel(/^Secrets/).fill(`X-Api-Key=${secret}`);
    await form.getByRole('button', { name: 'Register and list tools' }).click();

    const card = page.getByRole('region', { name: new RegExp(`^${name}`) });
    await card.getByText('healthy', { exact: true }).waitFor({ timeout: 30_000 });
    await card.getByText('lookup_order', { exact: true }).waitFor();
    await card.getByText('send_invoice', { exact: true }).waitFor();
    await card.getByText('X-Api-Key ••••').waitFor();
    expect(await form.getByLabel(/^Secrets/).inputValue()).toBe('');
    await screenshot(page, 'integrations-mcp-server');

    // The server's answers: healthy with two tools, the secret named and never given back.
    const servers = await json<McpServer[]>(await page.request.get('/api/mcp/servers'), 'servers');
    const server = servers.value.find((s) => s.name === name);
    if (!server) throw new Error(`The Api does not list the server ${name}.`);
    expect(server).toMatchObject({
      transport: 'http',
      url: mcp.url,
      health: 'healthy',
      healthError: null,
      toolCount: 2,
      secretNames: ['X-Api-Key'],
      headers: { 'X-Tenant': 'acme' },
    });
    expect(servers.text).not.toContain(secret);
    const one = await json<McpServer>(
      await page.request.get(`/api/mcp/servers/${server.id}`),
      'the server',
    );
    expect(one.text).not.toContain(secret);
    expect(mcp.keys.length).toBeGreaterThan(0);
    expect(mcp.keys.every((key) => key === secret)).toBe(true);

    const tools = async () => {
      const all = await json<McpTool[]>(await page.request.get('/api/mcp/tools'), 'tools');
      expect(all.text).not.toContain(secret);
      return all.value.filter((t) => t.serverId === server.id);
    };
    const listed = await tools();
    const lookup = listed.find((t) => t.name === 'lookup_order')!;
    const invoice = listed.find((t) => t.name === 'send_invoice')!;
    expect(lookup.classification).toBe('read');
    expect(invoice).toMatchObject({ classification: 'write', defaultClassification: 'write' });

    // The CEO decides that sending an invoice is an external action.
    const classSelect = card.getByRole('combobox', { name: 'Class of send_invoice' });
    await classSelect.selectOption('external');
    await expect
      .poll(async () => (await tools()).find((t) => t.id === invoice.id)?.classification)
      .toBe('external');
    expect((await tools()).find((t) => t.id === invoice.id)?.classifiedBy).toBeTruthy();
    await expect.poll(() => classSelect.inputValue()).toBe('external');

    // Grant the read tool to the CTO in its side panel on the org chart.
    const cto = await findAgent(page.request, (a) => a.profile.role === 'CTO', 'CTO');
    await page.goto('/org');
    await page.getByRole('button', { name: new RegExp(`^${fullName(cto)},`) }).click();
    const panel = page.getByRole('complementary', { name: 'Agent' });
    const box = panel
      .getByRole('list', { name: 'MCP tools' })
      .getByRole('checkbox', { name: lookup.agentName, exact: true });
    await box.scrollIntoViewIfNeeded();
    expect(await box.isChecked()).toBe(false);
    // The switch holds the Api's answer: it turns on once the grant is stored.
    await box.click();
    const grants = async () =>
      (
        await json<McpTool[]>(
          await page.request.get(`/api/mcp/agents/${cto.id}/tools`),
          'the CTO’s tools',
        )
      ).value.map((t) => t.id);
    await expect.poll(grants).toContain(lookup.id);
    await expect.poll(() => box.isChecked()).toBe(true);
    await screenshot(page, 'agent-mcp-tools');
    expect((await tools()).find((t) => t.id === lookup.id)?.grantedTo).toContain(cto.id);

    // Back on Integrations the tool counts its agent; the page never holds the secret.
    await page.goto('/integrations');
    const row = page
      .getByRole('region', { name: new RegExp(`^${name}`) })
      .getByRole('row')
      .filter({ hasText: 'lookup_order' });
    await row.getByText('1 agent(s)').waitFor();
    expect(await page.content()).not.toContain(secret);

    // Removing the server takes its tools and grants with it.
    await page.getByRole('button', { name: `Remove ${name}` }).click();
    await page.getByRole('region', { name: new RegExp(`^${name}`) }).waitFor({ state: 'detached' });
    expect((await page.request.get(`/api/mcp/servers/${server.id}`)).status()).toBe(404);
    expect(await grants()).not.toContain(lookup.id);
    await context.close();
  });

  it('an agent’s external MCP call waits in the approvals inbox; approved in the browser, it runs once and the task goes on, live', async () => {
    const secret = `sk-e2e-ledger-${Math.random().toString(36).slice(2)}`;
    ledger = await startMcpServer(secret, [
      {
        name: 'send_invoice',
        description: 'Sends the invoice of an order to the customer.',
        annotations: { readOnlyHint: false, openWorldHint: true },
      },
    ]);
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/approvals');
    await waitForLive(page);
    const request = page.request;

    // The ledger's send_invoice is open world, so external; an accountant on the scripted model
    // (e2e/scenarios/e2e-invoice.json) is granted it and asked to invoice an order.
    const server = (
      await json<McpServer>(
        await request.post('/api/mcp/servers', {
          data: {
            name: 'ledger',
            transport: 'http',
            url: ledger.url,
            secrets: { 'X-Api-Key': secret },
          },
        }),
        'registering the ledger',
      )
    ).value;
    await json(
      await request.post(`/api/mcp/servers/${server.id}/refresh`, { data: {} }),
      'refresh',
    );
    const tool = (
      await json<McpTool[]>(await request.get(`/api/mcp/tools?serverId=${server.id}`), 'tools')
    ).value.find((t) => t.name === 'send_invoice');
    if (!tool) throw new Error('The ledger’s send_invoice was not listed.');
    expect(tool).toMatchObject({ classification: 'external', agentName: 'ledger__send_invoice' });
    const agent = (
      await json<{ id: number }>(
        await request.post('/api/agents', {
          data: {
            profile: {
              firstName: `Ines${Date.now().toString(36)}`,
              lastName: 'Ledger',
              role: 'Accountant',
              department: 'Finance',
              model: 'scripted:e2e-invoice',
            },
            managerAgentId: null,
            placeInOrgChart: true,
            status: null,
          },
        }),
        'hiring the accountant',
      )
    ).value;
    await json(await request.put(`/api/mcp/agents/${agent.id}/tools/${tool.id}`), 'the grant');
    const task = (
      await json<{ id: number }>(
        await request.post('/api/tasks', {
          data: { title: 'Invoice order ORD-42', assigneeAgentId: agent.id },
        }),
        'the task',
      )
    ).value;

    // A second tab shows the task's calls; it is never reloaded.
    const watcherContext = await newContext(browser);
    const watcher = await watcherContext.newPage();
    await signIn(watcher, `/tasks/${task.id}`);
    await waitForLive(watcher);
    await watcher.getByRole('tab', { name: 'Tool & model calls' }).click();

    // The call waits in the CEO's inbox with its tool and arguments; nothing reached the ledger.
    let approvalId: number | undefined;
    await expect
      .poll(
        async () => {
          const pending = (
            await json<{ id: number; taskId: number }[]>(
              await request.get(`/api/approvals?taskId=${task.id}`),
              'the approvals',
            )
          ).value;
          approvalId = pending[0]?.id;
          return approvalId;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBeDefined();
    const item = page.locator(`[data-approval="${approvalId}"]`);
    await item.waitFor({ timeout: 30_000 });
    const toolCall = item.getByLabel('Tool call');
    await toolCall.getByText('send_invoice', { exact: true }).waitFor();
    await toolCall.getByText('ledger', { exact: true }).waitFor();
    await toolCall.getByText(/"reference": "ORD-42"/).waitFor();
    await watcher
      .getByText(new RegExp(`decision on approval #${approvalId}:`))
      .first()
      .waitFor({ timeout: 30_000 });
    expect(ledger.calls).toEqual([]);
    await item.scrollIntoViewIfNeeded();
    await screenshot(page, 'approval-external-mcp-call');

    // The CEO approves in the browser: the call runs once, with an idempotency key.
    await item.getByLabel(/Comment on/).fill('Send it.');
    await item.getByRole('button', { name: 'Approve' }).click();
    await item.waitFor({ state: 'detached' });

    // The watching tab sees the call's result and the task done, live.
    const call = watcher.locator('li.note').filter({ hasText: 'ledger__send_invoice' });
    await call.waitFor({ timeout: 60_000 });
    await call.getByText('ok', { exact: true }).waitFor();
    await call.getByText('Arguments and result').click();
    await call.getByText('send_invoice: done for ORD-42').waitFor();
    await watcher
      .locator('p.prose', { hasText: 'The invoice of order ORD-42 is on its way.' })
      .waitFor({ timeout: 60_000 });
    await watcher.locator('.task-head').getByText('Done', { exact: true }).waitFor();
    await screenshot(watcher, 'task-after-external-call');
    expect(ledger.calls).toHaveLength(1);
    expect(ledger.calls[0]).toMatchObject({
      tool: 'send_invoice',
      arguments: { reference: 'ORD-42' },
    });
    expect(ledger.calls[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    const trace = (
      await json<{ tool: string; refs: { idempotencyKey?: string } | null }[]>(
        await request.get(`/api/tasks/${task.id}/tool-calls`),
        'the trace',
      )
    ).value;
    expect(trace.find((c) => c.tool === 'ledger__send_invoice')?.refs?.idempotencyKey).toBe(
      ledger.calls[0]!.idempotencyKey,
    );

    expect((await request.delete(`/api/mcp/servers/${server.id}`)).ok()).toBe(true);
    await watcherContext.close();
    await context.close();
  }, 300_000);
});
