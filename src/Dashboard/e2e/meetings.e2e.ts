import type { APIRequestContext, Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAgent, fullName, type AgentSummary } from './support/api';
import {
  launchBrowser,
  NARROW,
  newContext,
  horizontalOverflow,
  screenshot,
  signIn,
  waitForLive,
} from './support/browser';

interface Cta {
  id: number;
  title: string;
  ownerAgentId: number | null;
  status: 'proposed' | 'dropped' | 'dispatched' | 'refused';
  taskId: number | null;
  refusalReason: string | null;
}

async function callsToAction(request: APIRequestContext, meetingId: number): Promise<Cta[]> {
  const response = await request.get(`/api/meetings/${meetingId}/minutes`);
  if (!response.ok()) throw new Error(`GET minutes answered ${response.status()}`);
  return ((await response.json()) as { callsToAction: Cta[] }).callsToAction;
}

/** Closes the notices, so that the screenshot shows what they covered. */
async function dismissToasts(page: Page): Promise<void> {
  const dismiss = page.getByRole('status').getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) {
    // A notice may leave on its own meanwhile.
    await dismiss
      .first()
      .click({ timeout: 1000 })
      .catch(() => undefined);
  }
}

function messages(page: Page): Locator {
  return page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
}

/** A participant's message in the transcript: its heading is "First Last (Role)". */
function messageFrom(page: Page, agent: AgentSummary): Locator {
  return messages(page).filter({ hasText: `${fullName(agent)} (${agent.profile.role})` });
}

describe('meetings', () => {
  let browser: Browser;
  /** The meeting the first flow ran; the narrow window shows it with its minutes. */
  let ranMeetingId: number | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('runs a meeting live in two tabs, writes the minutes and dispatches the reviewed calls to action', async () => {
    const ceoContext = await newContext(browser);
    const watcherContext = await newContext(browser);
    const page = await ceoContext.newPage();
    const watcher = await watcherContext.newPage();
    await signIn(page, '/meetings');
    await waitForLive(page);
    const byRole = (role: string) => findAgent(page.request, (a) => a.profile.role === role, role);
    const cto = await byRole('CTO');
    const cmo = await byRole('CMO');
    const sales = await byRole('Head of Sales');
    const qa = await byRole('QA Engineer');
    const developer = await findAgent(
      page.request,
      (a) => a.profile.role === 'Developer' && a.managerAgentId !== cto.id,
      'developer in a team',
    );

    // The CEO convenes the meeting; participants come from the org chart, in speaking order.
    await page.getByRole('button', { name: 'New meeting' }).click();
    const dialog = page.getByRole('dialog', { name: 'New meeting' });
    await dialog.getByLabel('Title').fill('Q3 launch');
    await dialog.getByLabel('Goal').fill('Agree on what ships in Q3 and who does what');
    await dialog.getByLabel('Agenda').fill('Launch scope\nLaunch timeline\nLaunch pricing');
    const participants = dialog.getByRole('group', { name: 'Participants, in speaking order' });
    for (const agent of [cto, cmo, sales]) {
      await participants
        .getByRole('checkbox', { name: new RegExp(`^${fullName(agent)} · ${agent.profile.role}`) })
        .check();
    }
    // Enough rounds that the CEO, not the round limit, ends the meeting.
    await dialog.getByLabel('Rounds').fill('50');
    await screenshot(page, 'meeting-new-dialog');
    await dialog.getByRole('button', { name: 'Create meeting' }).click();
    await page.waitForURL(/\/meetings\/\d+$/);
    const meetingId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('heading', { name: 'Q3 launch' }).waitFor();
    await page.getByText('Nobody has spoken yet.').waitFor();

    // A second tab watches the same meeting.
    await signIn(watcher, `/meetings/${meetingId}`);
    await watcher.getByRole('heading', { name: 'Q3 launch' }).waitFor();
    await watcher.getByText('Nobody has spoken yet.').waitFor();
    await waitForLive(watcher);

    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByText('Running', { exact: true }).first().waitFor();
    // The participants speak one after the other; their messages appear without a reload.
    await messageFrom(page, cto).first().waitFor({ timeout: 20_000 });
    await messageFrom(page, cmo).first().waitFor({ timeout: 20_000 });
    const seen = await messages(page).count();
    await expect
      .poll(async () => messages(page).count(), { timeout: 20_000 })
      .toBeGreaterThan(seen);
    await messages(page).last().scrollIntoViewIfNeeded();
    await screenshot(page, 'meeting-running');
    await messageFrom(watcher, sales).first().waitFor({ timeout: 20_000 });
    await messages(watcher).last().scrollIntoViewIfNeeded();
    await screenshot(watcher, 'meeting-running-other-tab');

    // The CEO asks the Head of Sales, who answers next (after the turn already in flight, if
    // any); the other tab sees both.
    const question = 'What do customers need to see before the launch?';
    await page.getByLabel('Say something in the meeting').fill(question);
    await page.getByLabel('Ask', { exact: true }).selectOption({ label: `Ask ${fullName(sales)}` });
    await page.getByRole('button', { name: 'Speak' }).click();
    const asked = messages(page).filter({ hasText: question });
    await asked.getByText(`CEO → ${fullName(sales)}`).waitFor();
    // The live event may show the message before the Api's answer to the form has arrived.
    await expect.poll(() => page.getByLabel('Say something in the meeting').inputValue()).toBe('');
    const answerer = `${fullName(sales)} (${sales.profile.role})`;
    await expect
      .poll(
        async () => {
          const texts = await messages(page).allTextContents();
          const at = texts.findIndex((t) => t.includes(question));
          const next = texts.slice(at + 1, at + 3);
          return at >= 0 && next.length === 2 ? next.some((t) => t.startsWith(answerer)) : null;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    await messages(watcher).filter({ hasText: question }).waitFor();
    await asked.scrollIntoViewIfNeeded();
    await screenshot(page, 'meeting-ceo-asks');

    // The CEO ends it; the minutes are written and shown, in both tabs.
    await page.getByRole('button', { name: 'End and write minutes' }).click();
    await page.getByText('Meeting ended').waitFor();
    const minutes = page.getByRole('region', { name: 'Minutes' });
    await minutes.waitFor({ timeout: 30_000 });
    await page.getByText('Completed', { exact: true }).first().waitFor();
    await minutes.getByText("met on 'Q3 launch'").waitFor();
    for (const list of ['Decisions', 'Risks', 'Open questions']) {
      expect(
        await minutes.getByRole('list', { name: list }).getByRole('listitem').count(),
      ).toBeGreaterThan(0);
    }
    const table = minutes.getByRole('table', { name: 'Calls to action' });
    const ctas = await callsToAction(page.request, meetingId);
    expect(ctas.length).toBeGreaterThanOrEqual(3);
    expect(await table.locator('tbody tr').count()).toBe(ctas.length);
    await watcher.getByRole('region', { name: 'Minutes' }).waitFor({ timeout: 30_000 });
    await dismissToasts(page);
    await minutes.scrollIntoViewIfNeeded();
    await screenshot(page, 'meeting-minutes');
    const row = (cta: Cta) =>
      table.getByRole('row').filter({ has: page.getByText(cta.title, { exact: true }) });

    // Review: drop the CMO's call to action.
    const cmoCta = ctas.find((c) => c.ownerAgentId === cmo.id);
    if (!cmoCta) throw new Error('The minutes have no call to action for the CMO.');
    await row(cmoCta)
      .getByRole('button', { name: `Drop “${cmoCta.title}”` })
      .click();
    await row(cmoCta).getByText('Dropped', { exact: true }).waitFor();

    // Review: edit the Head of Sales' call, a sharper title and a higher priority.
    const salesCta = ctas.find((c) => c.ownerAgentId === sales.id);
    if (!salesCta) throw new Error('The minutes have no call to action for the Head of Sales.');
    await row(salesCta)
      .getByRole('button', { name: `Edit “${salesCta.title}”` })
      .click();
    const edit = page.getByRole('dialog', { name: 'Edit call to action' });
    const edited = `${salesCta.title}, with a pricing sheet`;
    await edit.getByLabel('Title').fill(edited);
    await edit.getByLabel('Priority').selectOption('urgent');
    await screenshot(page, 'meeting-cta-edit');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    salesCta.title = edited;
    await row(salesCta).getByText('Urgent', { exact: true }).waitFor();

    // Review: hand the call for someone below the participants to the QA engineer, while a
    // rule forbids the engineering manager from assigning to QA. The dispatch is refused on that
    // call, in words, and nothing is assigned around the rule.
    const deep = ctas.find(
      (c) => c.ownerAgentId !== null && ![cto.id, cmo.id, sales.id].includes(c.ownerAgentId),
    );
    if (!deep) throw new Error('The minutes have no call to action below the participants.');
    const ruleName = `em-never-above-qa-${Date.now()}`;
    const added = await page.request.post('/api/policies/rules', {
      data: {
        name: ruleName,
        kind: 'role_separation',
        description: 'Quality answers to the CTO.',
        enabled: true,
        roleSeparation: {
          upper: { departments: [], roles: ['Engineering Manager'] },
          lower: { departments: [], roles: ['QA Engineer'] },
          reason: 'Quality answers to the CTO.',
        },
      },
    });
    if (!added.ok())
      throw new Error(`adding the rule answered ${added.status()}: ${await added.text()}`);
    const rule = (await added.json()) as { id: number };
    try {
      const owner = row(deep).getByRole('combobox', { name: `Owner of “${deep.title}”` });
      await owner.selectOption(String(qa.id));
      await expect
        .poll(
          async () =>
            (await callsToAction(page.request, meetingId)).find((c) => c.id === deep.id)
              ?.ownerAgentId,
        )
        .toBe(qa.id);
      await table.scrollIntoViewIfNeeded();
      await screenshot(page, 'meeting-ctas-reviewed');

      await minutes.getByRole('button', { name: 'Dispatch calls to action' }).click();
      await page.getByText('1 refused by the hierarchy policy').waitFor();
      await row(deep).getByText('Refused', { exact: true }).waitFor();
      const refusal = row(deep).getByText(/is refused at/);
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('Quality answers to the CTO.');
      // Shown whole, not cut off.
      expect(await refusal.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
      for (const cta of ctas.filter((c) => c.id !== deep.id && c.id !== cmoCta.id)) {
        await row(cta).getByRole('link').waitFor();
      }
      await dismissToasts(page);
      await table.scrollIntoViewIfNeeded();
      await screenshot(page, 'meeting-ctas-refused');
    } finally {
      await page.request.delete(`/api/policies/rules/${rule.id}`);
    }

    // The CEO gives the refused call to a developer and dispatches it again.
    await row(deep)
      .getByRole('combobox', { name: `Owner of “${deep.title}”` })
      .selectOption(String(developer.id));
    await row(deep).getByText('Proposed', { exact: true }).waitFor();
    await minutes.getByRole('button', { name: 'Dispatch calls to action' }).click();
    await row(deep).getByRole('link').waitFor();
    await minutes
      .getByRole('button', { name: 'Dispatch calls to action' })
      .waitFor({ state: 'detached' });

    // Each dispatched call shows its task's live status and links to the task; the dropped one
    // stays dropped.
    const final = await callsToAction(page.request, meetingId);
    for (const cta of final) {
      if (cta.id === cmoCta.id) {
        expect(cta.status).toBe('dropped');
        expect(cta.taskId).toBeNull();
        continue;
      }
      expect(cta.status).toBe('dispatched');
      const link = row(cta).getByRole('link');
      expect(await link.getAttribute('href')).toBe(`/tasks/${cta.taskId}`);
      expect((await link.textContent())?.trim()).toMatch(/\S/);
    }
    await row(cmoCta).getByText('Dropped', { exact: true }).waitFor();
    await dismissToasts(page);
    await table.scrollIntoViewIfNeeded();
    await screenshot(page, 'meeting-ctas-dispatched');
    ranMeetingId = meetingId;

    // The task the edited call became has its title and says where it came from.
    const task = final.find((c) => c.id === salesCta.id);
    if (!task?.taskId) throw new Error('The Head of Sales’ call to action has no task.');
    expect(task.title).toBe(edited);
    await row(task).getByRole('link').click();
    await page.waitForURL(new RegExp(`/tasks/${task.taskId}$`));
    await page.getByRole('heading', { name: edited }).waitFor();
    await page.getByText(`From meeting #${meetingId} 'Q3 launch'`).first().waitFor();
    await screenshot(page, 'meeting-cta-task');
    await ceoContext.close();
    await watcherContext.close();
  });

  it('shows a meeting with its minutes in a narrow window and in the dark theme', async () => {
    const context = await newContext(browser, { viewport: NARROW, colorScheme: 'dark' });
    const page = await context.newPage();
    await signIn(page, '/meetings');
    let id = ranMeetingId;
    if (id === undefined) {
      const list = (await (await page.request.get('/api/meetings')).json()) as { id: number }[];
      id = list[0]?.id;
    }
    if (id === undefined) throw new Error('No meeting to show: the first flow did not run one.');
    await page.getByRole('heading', { name: 'Meetings', level: 1 }).waitFor();
    const noOverflow = async () => expect(await horizontalOverflow(page)).toBeNull();
    await noOverflow();
    await screenshot(page, 'meetings-narrow-dark');
    await page.getByRole('button', { name: 'New meeting' }).click();
    const dialog = page.getByRole('dialog', { name: 'New meeting' });
    await dialog.getByRole('group', { name: 'Participants, in speaking order' }).waitFor();
    await noOverflow();
    await screenshot(page, 'meeting-new-dialog-narrow-dark');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.goto(`/meetings/${id}`);
    await page.getByRole('list', { name: 'Messages' }).waitFor();
    await page.getByRole('region', { name: 'Minutes' }).waitFor();
    await noOverflow();
    await screenshot(page, 'meeting-narrow-dark');
    await context.close();
  });
});
