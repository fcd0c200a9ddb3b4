import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiToken } from '../services/tokens';
import { problem, renderSignedIn, stubApi } from '../test/render';
import { TokensPage } from './TokensPage';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

function token(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: 1,
    name: 'nightly-report',
    prefix: 'fm_ab12',
    createdAt: '2026-01-01T10:00:00Z',
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  };
}

describe('TokensPage', () => {
  it('shows an empty state when there is no token', async () => {
    stubApi({ 'GET /api/tokens': () => Response.json([]) });
    renderSignedIn(<TokensPage />);
    expect(await screen.findByText('No tokens yet')).toBeInTheDocument();
  });

  it('lists tokens with their status, active ones first', async () => {
    stubApi({
      'GET /api/tokens': () =>
        Response.json([
          token({ id: 1, name: 'old-script', revokedAt: '2026-01-02T00:00:00Z' }),
          token({ id: 2, name: 'ci', createdAt: '2026-01-03T00:00:00Z' }),
        ]),
    });
    renderSignedIn(<TokensPage />);
    const rows = await screen.findAllByRole('row');
    expect(rows[1]).toHaveTextContent('ci');
    expect(rows[1]).toHaveTextContent('Active');
    expect(rows[2]).toHaveTextContent('old-script');
    expect(rows[2]).toHaveTextContent('Revoked');
    expect(within(rows[2]!).queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
  });

  it('shows a new token once, with a copy button, then lists it', async () => {
    const user = userEvent.setup();
    let created = false;
    const calls = stubApi({
      'GET /api/tokens': () => Response.json(created ? [token({ id: 9, name: 'deploy' })] : []),
      'POST /api/tokens': () => {
        created = true;
        return Response.json(
          {
            id: 9,
            name: 'deploy',
            prefix: 'fm_zz',
            createdAt: '2026-01-01T00:00:00Z',
            expiresAt: null,
            token: 'fm_zz_secret',
          },
          { status: 201 },
        );
      },
    });
    renderSignedIn(<TokensPage />);
    await screen.findByText('No tokens yet');

    await user.type(screen.getByLabelText('Name'), 'deploy');
    await user.selectOptions(screen.getByLabelText('Expires'), 'Never expires');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    expect(await screen.findByTestId('new-token')).toHaveTextContent('fm_zz_secret');
    expect(screen.getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    expect(screen.getByText('This is the only time the secret is shown.')).toBeInTheDocument();
    const body = (await calls.find((c) => c.method === 'POST')!.json()) as unknown;
    expect(body).toEqual({ name: 'deploy', expiresAt: null });

    await user.click(screen.getByRole('button', { name: 'I have stored it' }));
    expect(screen.queryByTestId('new-token')).not.toBeInTheDocument();
    expect(await screen.findByRole('cell', { name: /deploy/ })).toBeInTheDocument();
  });

  it('shows a token revoked at once and puts it back when the Api refuses', async () => {
    const user = userEvent.setup();
    let answer: (response: Response) => void = () => undefined;
    stubApi({
      'GET /api/tokens': () => Response.json([token()]),
      'DELETE /api/tokens/1': () => new Promise<Response>((resolve) => (answer = resolve)),
    });
    renderSignedIn(<TokensPage />);
    await user.click(await screen.findByRole('button', { name: 'Revoke nightly-report' }));
    await user.click(screen.getByRole('button', { name: 'Revoke token' }));

    const row = screen.getByRole('row', { name: /nightly-report/ });
    await waitFor(() => expect(row).toHaveTextContent('Revoked'));

    answer(problem(404, { title: 'Not found.', detail: 'No token 1.' }));
    await waitFor(() =>
      expect(screen.getByRole('row', { name: /nightly-report/ })).toHaveTextContent('Active'),
    );
    expect(await screen.findByText('“nightly-report” was not revoked')).toBeInTheDocument();
  });

  it('names the refused field', async () => {
    const user = userEvent.setup();
    stubApi({
      'GET /api/tokens': () => Response.json([]),
      'POST /api/tokens': () =>
        problem(400, {
          title: 'The request is invalid.',
          errors: { name: ['A name of 1 to 100 characters, so you can tell your tokens apart.'] },
        }),
    });
    renderSignedIn(<TokensPage />);
    await user.type(screen.getByLabelText('Name'), 'x');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(
      await screen.findByText(
        'Name: A name of 1 to 100 characters, so you can tell your tokens apart.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
  });
});
