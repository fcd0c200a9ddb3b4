import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, waitForLive } from './support/browser';
import { ceoPage, viewerPage } from './support/members';

interface Space {
  id: number;
  name: string;
  scope: string;
  scopeRef: string | null;
  version: number;
  acl: {
    kind: string;
    name: string | null;
    agentId: number | null;
    canRead: boolean;
    canWrite: boolean;
  }[];
}

interface Document {
  id: number;
  name: string;
  tags: string[];
  metadata: Record<string, string>;
}

async function spaceNamed(page: Page, name: string): Promise<Space | undefined> {
  const spaces = (await (await page.request.get('/api/knowledge/spaces')).json()) as Space[];
  return spaces.find((s) => s.name === name);
}

describe('knowledge', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('creates a department space, edits its access, renames it, tags a document live in a second tab, and deletes it; a viewer only reads', async () => {
    const stamp = Date.now().toString(36);
    const name = `Runbooks ${stamp}`;
    const department = `Operations ${stamp}`;
    const { context, page } = await ceoPage(browser, '/knowledge');
    const other = await context.newPage();
    await other.goto('/knowledge');
    await waitForLive(page);
    await waitForLive(other);

    // A department space without its department: the Api names the field, shown beside it.
    await page.getByRole('button', { name: 'New space' }).click();
    const create = page.getByRole('dialog', { name: 'New knowledge space' });
    await create.getByLabel('Name').fill(name);
    await create.getByLabel('Scope').selectOption('department');
    await create.getByRole('button', { name: 'Create space' }).click();
    // The department input (a combobox of the known departments), not the scope's select.
    const departmentInput = create.getByRole('combobox', { name: /^Department/ });
    const departmentField = create
      .locator('label')
      .filter({ has: page.getByRole('combobox', { name: /^Department/ }) });
    await departmentField
      .getByTestId('field-error')
      .filter({ hasText: /department/i })
      .waitFor();
    await screenshot(page, 'knowledge-refused');

    await departmentInput.fill(department);
    await create.getByRole('button', { name: 'Create space' }).click();
    await create.waitFor({ state: 'hidden' });
    const detail = page.getByRole('region', { name });
    await detail.waitFor();
    const created = await spaceNamed(page, name);
    expect(created?.scope).toBe('department');
    expect(created?.scopeRef).toBe(department);
    expect(created?.acl).toEqual([
      expect.objectContaining({
        kind: 'department',
        name: department.toLowerCase(),
        canRead: true,
      }),
    ]);
    // The other tab lists the new space without a reload.
    await other.getByRole('navigation', { name: 'Spaces' }).getByText(name).waitFor();

    // The access rules: a role that may write beside the department; a role rule without its
    // name is refused, and the message stands beside that row.
    const access = detail.getByRole('region', { name: 'Access' });
    await access.getByRole('button', { name: 'Add rule' }).click();
    await access.getByLabel('Rule 2 kind').selectOption('role');
    await access.getByRole('button', { name: 'Save access' }).click();
    await access
      .getByTestId('acl-rule')
      .nth(1)
      .getByTestId('field-error')
      .filter({ hasText: /required for a role rule/ })
      .waitFor();
    await access.getByLabel('Rule 2 role').fill('Site reliability engineer');
    await access.getByLabel('Rule 2 may write').check();
    await access.getByRole('button', { name: 'Save access' }).click();
    await page.getByText('Access saved').waitFor();
    await expect
      .poll(async () =>
        (await spaceNamed(page, name))?.acl.map((r) => `${r.kind}:${r.name}:${r.canWrite}`),
      )
      .toEqual([
        `department:${department.toLowerCase()}:false`,
        'role:site reliability engineer:true',
      ]);
    await other.getByRole('navigation', { name: 'Spaces' }).getByText(name).click();
    await other
      .getByTestId('space-readers')
      .filter({ hasText: 'role site reliability engineer' })
      .waitFor();

    // Rename: the other tab follows.
    const renamed = `Runbooks ${stamp} (ops)`;
    await detail.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: `Rename “${name}”` });
    await rename.getByLabel('Name').fill(renamed);
    await rename.getByRole('button', { name: 'Save' }).click();
    await rename.waitFor({ state: 'hidden' });
    const renamedDetail = page.getByRole('region', { name: renamed });
    await renamedDetail.waitFor();
    await other.getByRole('region', { name: renamed }).waitFor();
    const space = (await spaceNamed(page, renamed))!;
    expect(space.id).toBe(created!.id);

    // A document, tagged through its labels dialog; a bad tag is refused by name first.
    const uploaded = await page.request.post(`/api/knowledge/spaces/${space.id}/documents`, {
      multipart: {
        file: {
          name: 'pager.md',
          mimeType: 'text/markdown',
          buffer: Buffer.from('# Pager\n\nAcknowledge within fifteen minutes.\n'),
        },
      },
    });
    expect(uploaded.status()).toBe(202);
    const document = (await uploaded.json()) as Document;
    // Ingestion moves the document's version on; labels are edited on the version the list shows
    // once it is ready, as a user would see it (an edit on an older one is refused as stale).
    await renamedDetail
      .getByRole('listitem')
      .filter({ hasText: 'pager.md' })
      .getByText('Ready', { exact: true })
      .waitFor();
    await renamedDetail.getByRole('button', { name: 'Tags and metadata of pager.md' }).click();
    const labels = page.getByRole('dialog', { name: 'Labels of “pager.md”' });
    await labels.getByLabel('Tags').fill('on-call, #urgent');
    await labels.getByRole('button', { name: 'Save labels' }).click();
    await labels
      .locator('label')
      .filter({ has: page.getByLabel('Tags') })
      .getByTestId('field-error')
      .filter({ hasText: "'#urgent' is not a tag" })
      .waitFor();
    await labels.getByLabel('Tags').fill('on-call, Runbook');
    await labels.getByRole('button', { name: 'Add metadata' }).click();
    await labels.getByLabel('Metadata key 1').fill('owner');
    await labels.getByLabel('Metadata value 1').fill('Site reliability');
    await labels.getByRole('button', { name: 'Save labels' }).click();
    await labels.waitFor({ state: 'hidden' });
    const saved = (await (
      await page.request.get(`/api/knowledge/spaces/${space.id}/documents/${document.id}`)
    ).json()) as Document;
    expect(saved.tags).toEqual(['on-call', 'runbook']);
    expect(saved.metadata).toEqual({ owner: 'Site reliability' });

    // The other tab shows the tags without a reload, and filters by them (at the Api).
    const otherDetail = other.getByRole('region', { name: renamed });
    await otherDetail.getByTestId('document-tag').filter({ hasText: 'runbook' }).waitFor();
    await otherDetail
      .getByTestId('document-metadata')
      .filter({ hasText: 'owner: Site reliability' })
      .waitFor();
    await otherDetail.getByLabel('Filter by tag').selectOption('on-call');
    await otherDetail.getByText('pager.md').waitFor();
    const filtered = (await (
      await other.request.get(`/api/knowledge/spaces/${space.id}/documents?tag=missing`)
    ).json()) as Document[];
    expect(filtered).toEqual([]);
    await screenshot(other, 'knowledge-live');

    // A viewer sees the space with every control disabled, and the Api refuses the viewer.
    const viewer = await viewerPage(browser, page, '/knowledge');
    await viewer.page.getByRole('navigation', { name: 'Spaces' }).getByText(renamed).click();
    const seen = viewer.page.getByRole('region', { name: renamed });
    await seen.getByText('pager.md').waitFor();
    expect(await viewer.page.getByRole('button', { name: 'New space' }).isDisabled()).toBe(true);
    expect(await seen.getByRole('button', { name: 'Rename' }).isDisabled()).toBe(true);
    expect(await seen.getByRole('button', { name: 'Delete space' }).isDisabled()).toBe(true);
    expect(await seen.getByRole('button', { name: 'Save access' }).isDisabled()).toBe(true);
    expect(await seen.getByLabel('Rule 1 kind').isDisabled()).toBe(true);
    expect(
      await seen.getByRole('button', { name: 'Tags and metadata of pager.md' }).isDisabled(),
    ).toBe(true);
    await screenshot(viewer.page, 'knowledge-viewer');
    const refusedAcl = await viewer.page.request.put(`/api/knowledge/spaces/${space.id}/acl`, {
      data: { rules: [{ kind: 'everyone', canRead: true, canWrite: true }], expectedVersion: null },
    });
    expect(refusedAcl.status()).toBe(403);
    const refusedTags = await viewer.page.request.patch(
      `/api/knowledge/spaces/${space.id}/documents/${document.id}`,
      { data: { tags: ['mine'] } },
    );
    expect(refusedTags.status()).toBe(403);
    const refusedDelete = await viewer.page.request.delete(`/api/knowledge/spaces/${space.id}`);
    expect(refusedDelete.status()).toBe(403);
    await viewer.context.close();

    // Delete, confirmed in a dialog; the other tab no longer lists the space.
    await renamedDetail.getByRole('button', { name: 'Delete space' }).click();
    const confirm = page.getByRole('dialog', { name: `Delete “${renamed}”?` });
    await confirm.getByRole('button', { name: 'Delete space' }).click();
    await page.getByText('Space deleted').waitFor();
    expect((await page.request.get(`/api/knowledge/spaces/${space.id}`)).status()).toBe(404);
    await expect
      .poll(() => other.getByRole('navigation', { name: 'Spaces' }).getByText(renamed).count())
      .toBe(0);
    await context.close();
    // One flow across two tabs and a viewer's session: longer than the default minute under load.
  }, 240_000);
});
