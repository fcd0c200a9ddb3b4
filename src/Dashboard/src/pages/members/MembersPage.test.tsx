import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { problem, renderSignedIn, stubApi, viewerSession } from '../../test/render';
import { MembersPage } from './MembersPage';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const owner = {
  id: 1,
  email: 'owner@fluid.local',
  displayName: 'Olivia Owner',
  role: 'ceo',
  disabled: false,
  joinedAt: '2026-01-01T00:00:00Z',
};

describe('MembersPage', () => {
  it('shows the Api’s refusal when the last CEO would step down, and keeps the role', async () => {
    const user = userEvent.setup();
    stubApi({
      'GET /api/users': () => Response.json([owner]),
      'PATCH /api/users/1': () =>
        problem(409, {
          title: 'The last CEO stays',
          detail: 'The company needs at least one active ceo.',
        }),
    });
    renderSignedIn(<MembersPage />);
    const role = await screen.findByLabelText('Role of owner@fluid.local');
    await user.selectOptions(role, 'viewer');
    expect(
      await screen.findByText('The company needs at least one active ceo.'),
    ).toBeInTheDocument();
    expect(role).toHaveValue('ceo');
  });

  it('names a refused field beside it when adding a member', async () => {
    const user = userEvent.setup();
    stubApi({
      'GET /api/users': () => Response.json([owner]),
      'POST /api/users': () =>
        problem(400, {
          title: 'One or more validation errors occurred.',
          errors: { email: ['is not an e-mail address'] },
        }),
    });
    renderSignedIn(<MembersPage />);
    await user.click(await screen.findByRole('button', { name: /Add member/ }));
    await user.type(screen.getByLabelText('E-mail'), 'nobody');
    await user.click(screen.getAllByRole('button', { name: /Add member/ }).at(-1)!);
    const field = (await screen.findAllByText('Is not an e-mail address.'))[0]!;
    expect(field.closest('label')).toHaveTextContent('E-mail');
  });

  it('leaves a viewer the controls disabled and does not ask for the list', () => {
    const calls = stubApi({});
    renderSignedIn(<MembersPage />, { session: viewerSession });
    expect(screen.getByRole('button', { name: /Add member/ })).toBeDisabled();
    expect(screen.getAllByText(/Only a CEO or an admin/).length).toBeGreaterThan(0);
    expect(calls).toHaveLength(0);
  });
});
