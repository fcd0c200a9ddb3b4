import type { Browser, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { launchBrowser, newContext, screenshot, signIn, waitForLive } from './support/browser';

async function hire(
  request: import('playwright-core').APIRequestContext,
  firstName: string,
): Promise<void> {
  const response = await request.post('/api/agents', {
    data: {
      profile: {
        firstName,
        lastName: 'Reconnect',
        role: 'Analyst',
        department: 'Finance',
        model: 'offline',
      },
      managerAgentId: null,
      placeInOrgChart: true,
      status: null,
    },
  });
  if (!response.ok())
    throw new Error(`hiring ${firstName} answered ${response.status()}: ${await response.text()}`);
}

describe('live updates', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('says when the connection drops, then catches up from the event log when it is back', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    // The test stands between the page and the hub: it can cut the connection and refuse new ones.
    let online = true;
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/hubs\/events/, (ws) => {
      if (!online) {
        void ws.close({ code: 1006, reason: 'offline' });
        return;
      }
      ws.connectToServer();
      sockets.push(ws);
    });
    // Negotiation and the fallback transports go over plain HTTP: cut those too.
    await page.route(/\/hubs\/events/, (route) =>
      online ? route.continue() : route.abort('internetdisconnected'),
    );
    await signIn(page, '/org');
    await waitForLive(page);

    // One event seen live gives the page its place in the event log.
    const stamp = Date.now() % 100000;
    await hire(page.request, `Before${stamp}`);
    await page.getByRole('button', { name: new RegExp(`^Before${stamp} Reconnect,`) }).waitFor();

    online = false;
    await Promise.all(sockets.map((ws) => ws.close({ code: 1006, reason: 'network drop' })));
    await page.getByText('Reconnecting…', { exact: true }).first().waitFor();
    await screenshot(page, 'live-reconnecting');

    // Changed while the page cannot hear about it.
    await hire(context.request, `During${stamp}`);
    const catchUp = page.waitForRequest((request) =>
      /\/api\/events\?after=\d+/.test(request.url()),
    );
    online = true;

    await catchUp;
    await page.getByRole('button', { name: new RegExp(`^During${stamp} Reconnect,`) }).waitFor();
    await page.getByText('Back online. Everything is up to date.').waitFor();
    await screenshot(page, 'live-caught-up');
    await context.close();
  });
});
