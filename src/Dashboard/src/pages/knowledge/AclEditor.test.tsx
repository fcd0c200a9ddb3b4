import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../services/agents';
import type { KnowledgeSpace } from '../../services/knowledge';
import { problem, renderSignedIn, stubApi } from '../../test/render';
import { AclEditor } from './AclEditor';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const space: KnowledgeSpace = {
  id: 7,
  companyId: 1,
  name: 'Runbooks',
  description: '',
  scope: 'department',
  scopeRef: 'Operations',
  agentId: null,
  acl: [{ kind: 'department', name: 'operations', agentId: null, canRead: true, canWrite: false }],
  documentCount: 0,
  readyDocumentCount: 0,
  chunkCount: 0,
  version: 3,
  createdBy: 'human:1',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

const agents = [
  {
    id: 12,
    profile: { firstName: 'Eva', lastName: 'Stone', role: 'Developer', department: 'Engineering' },
  },
] as unknown as Agent[];

describe('AclEditor', () => {
  it('adds an agent rule and saves every rule with the space version', async () => {
    const user = userEvent.setup();
    const calls = stubApi({
      'PUT /api/knowledge/spaces/7/acl': () => Response.json({ ...space, version: 4 }),
    });
    renderSignedIn(<AclEditor space={space} agents={agents} canEdit />);

    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    await user.selectOptions(screen.getByLabelText('Rule 2 kind'), 'agent');
    await user.selectOptions(screen.getByLabelText('Rule 2 agent'), '12');
    await user.click(screen.getByLabelText('Rule 2 may write'));
    await user.click(screen.getByRole('button', { name: 'Save access' }));

    expect(await screen.findByText('Access saved')).toBeInTheDocument();
    const body = (await calls[0]!.json()) as unknown;
    expect(body).toEqual({
      expectedVersion: 3,
      rules: [
        { kind: 'department', name: 'operations', agentId: null, canRead: true, canWrite: false },
        { kind: 'agent', name: null, agentId: 12, canRead: true, canWrite: true },
      ],
    });
  });

  it('shows the Api’s words beside the rule it refuses', async () => {
    const user = userEvent.setup();
    stubApi({
      'PUT /api/knowledge/spaces/7/acl': () =>
        problem(400, {
          title: 'One or more fields are invalid',
          errors: { 'rules[1].name': ['is required for a role rule (1-100 characters)'] },
        }),
    });
    renderSignedIn(<AclEditor space={space} agents={agents} canEdit />);

    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    await user.selectOptions(screen.getByLabelText('Rule 2 kind'), 'role');
    await user.click(screen.getByRole('button', { name: 'Save access' }));

    const rows = await screen.findAllByTestId('acl-rule');
    expect(
      await within(rows[1]!).findByText('Name is required for a role rule (1-100 characters).'),
    ).toBeInTheDocument();
    expect(within(rows[0]!).queryByTestId('field-error')).not.toBeInTheDocument();
  });

  it('removes a rule, and a viewer finds every control disabled with the reason', async () => {
    const user = userEvent.setup();
    const { unmount } = renderSignedIn(<AclEditor space={space} agents={agents} canEdit />);
    await user.click(screen.getByRole('button', { name: 'Remove rule 1' }));
    expect(screen.getByText('No rule: no agent may read this space.')).toBeInTheDocument();
    unmount();

    renderSignedIn(
      <AclEditor space={space} agents={agents} canEdit={false} reason="Only the CEO." />,
    );
    expect(screen.getByRole('button', { name: 'Save access' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Add rule' })).toBeDisabled();
    expect(screen.getByLabelText('Rule 1 kind')).toBeDisabled();
    expect(screen.getByLabelText('Rule 1 department')).toBeDisabled();
    expect(screen.getAllByRole('tooltip')[0]).toHaveTextContent('Only the CEO.');
  });
});
