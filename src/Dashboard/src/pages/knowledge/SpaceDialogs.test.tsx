import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from '../../services/agents';
import type { KnowledgeDocument, KnowledgeSpace } from '../../services/knowledge';
import { problem, renderSignedIn, stubApi } from '../../test/render';
import { DocumentLabelsDialog } from './DocumentLabelsDialog';
import { DeleteSpaceDialog, NewSpaceDialog } from './SpaceDialogs';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const agents = [
  {
    id: 12,
    status: 'active',
    profile: { firstName: 'Eva', lastName: 'Stone', role: 'Developer', department: 'Engineering' },
  },
] as unknown as Agent[];

const space = {
  id: 7,
  name: 'Runbooks',
  version: 5,
  documentCount: 2,
} as KnowledgeSpace;

describe('NewSpaceDialog', () => {
  it('creates an agent space for the chosen agent', async () => {
    const user = userEvent.setup();
    const onCreated = vi.fn();
    const calls = stubApi({
      'POST /api/knowledge/spaces': () => Response.json({ ...space, id: 9 }, { status: 201 }),
    });
    renderSignedIn(
      <NewSpaceDialog
        open
        agents={agents}
        projects={[]}
        onClose={() => {}}
        onCreated={onCreated}
      />,
    );
    const dialog = screen.getByRole('dialog', { name: 'New knowledge space' });
    await user.type(within(dialog).getByLabelText('Name'), 'Eva’s notes');
    await user.selectOptions(within(dialog).getByLabelText('Scope'), 'agent');
    await user.selectOptions(within(dialog).getByLabelText('Agent'), '12');
    await user.click(within(dialog).getByRole('button', { name: 'Create space' }));

    await vi.waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(await calls[0]!.json()).toEqual({
      name: 'Eva’s notes',
      description: '',
      scope: 'agent',
      scopeRef: null,
      agentId: 12,
      acl: null,
    });
  });

  it('shows a refused department beside its field', async () => {
    const user = userEvent.setup();
    stubApi({
      'POST /api/knowledge/spaces': () =>
        problem(400, {
          title: 'One or more fields are invalid',
          errors: { scopeRef: ['names the department (1-100 characters)'] },
        }),
    });
    renderSignedIn(
      <NewSpaceDialog open agents={agents} projects={[]} onClose={() => {}} onCreated={() => {}} />,
    );
    const dialog = screen.getByRole('dialog', { name: 'New knowledge space' });
    await user.type(within(dialog).getByLabelText('Name'), 'Runbooks');
    await user.selectOptions(within(dialog).getByLabelText('Scope'), 'department');
    await user.click(within(dialog).getByRole('button', { name: 'Create space' }));

    const field = within(dialog)
      .getByLabelText(/^Department/)
      .closest('label')!;
    expect(
      await within(field as HTMLElement).findByText('Names the department (1-100 characters).'),
    ).toBeInTheDocument();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });
});

describe('DeleteSpaceDialog', () => {
  it('sends the version it shows, and tells the Api’s refusal in words', async () => {
    const user = userEvent.setup();
    const calls = stubApi({
      'DELETE /api/knowledge/spaces/7': () =>
        problem(412, {
          title: 'Knowledge space changed',
          detail: 'Knowledge space is at version 6, not 5: reload it and try again.',
        }),
    });
    renderSignedIn(
      <DeleteSpaceDialog space={space} open onClose={() => {}} onDeleted={() => {}} />,
    );
    await user.click(screen.getByRole('button', { name: 'Delete space' }));
    expect(await screen.findByText(/version 6, not 5/)).toBeInTheDocument();
    expect(calls[0]!.headers.get('If-Match')).toBe('"5"');
  });
});

describe('DocumentLabelsDialog', () => {
  const document = {
    id: 3,
    name: 'pager.md',
    tags: ['on-call'],
    metadata: { owner: 'Ada' },
  } as unknown as KnowledgeDocument;

  it('saves tags and metadata, and names a refused tag beside the tags', async () => {
    const user = userEvent.setup();
    let refuse = true;
    const calls = stubApi({
      'PATCH /api/knowledge/spaces/7/documents/3': () =>
        refuse
          ? problem(400, {
              title: 'One or more fields are invalid',
              errors: { 'tags[1]': ["'#x' is not a tag: 1-50 letters"] },
            })
          : Response.json({ ...document, tags: ['on-call', 'runbook'] }),
    });
    const onClose = vi.fn();
    renderSignedIn(<DocumentLabelsDialog spaceId={7} document={document} open onClose={onClose} />);
    const dialog = screen.getByRole('dialog', { name: 'Labels of “pager.md”' });
    const tags = within(dialog).getByLabelText('Tags');
    expect(tags).toHaveValue('on-call');
    await user.type(tags, ', #x');
    await user.click(within(dialog).getByRole('button', { name: 'Save labels' }));
    expect(await within(dialog).findByText("'#x' is not a tag: 1-50 letters.")).toBeInTheDocument();

    refuse = false;
    await user.clear(tags);
    await user.type(tags, 'on-call, Runbook');
    await user.type(within(dialog).getByLabelText('Metadata value 1'), ' Lovelace');
    await user.click(within(dialog).getByRole('button', { name: 'Save labels' }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(await calls[1]!.json()).toEqual({
      tags: ['on-call', 'Runbook'],
      metadata: { owner: 'Ada Lovelace' },
    });
  });
});
