import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeadLetter, Silo } from '../services/cluster';
import { problem, renderSignedIn, stubApi } from '../test/render';
import { ClusterPage } from './ClusterPage';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

function letter(id: number): DeadLetter {
  return {
    id,
    messageId: 100 + id,
    grainType: 'task',
    grainKey: `${id}`,
    messageType: 'TaskActivityCompleted',
    payload: {},
    sender: 'silo-1',
    error: 'The model answered 500.',
    attempts: 5,
    enqueuedAt: '2026-01-01T00:00:00Z',
    deadAt: '2026-01-01T00:05:00Z',
  };
}

function silo(name: string, overrides: Partial<Silo> = {}): Silo {
  return {
    name,
    address: '10.0.0.7:11111',
    generation: 1,
    gatewayPort: 30000,
    hostName: `${name}-host`,
    status: 'active',
    startedAt: new Date(Date.now() - 3 * 60_000).toISOString(),
    lastAliveAt: new Date(Date.now() - 10_000).toISOString(),
    activationCount: 42,
    runningActivities: 3,
    leasedInboxes: 2,
    ...overrides,
  };
}

function stubCluster(replay: () => Response, silos: Silo[] = []) {
  let letters = [letter(1), letter(2)];
  return stubApi({
    'GET /api/cluster/silos': () => Response.json(silos),
    'GET /health/ready': () => Response.json({ status: 'Healthy', entries: {} }),
    'GET /api/cluster/dead-letters': () => Response.json(letters),
    'POST /api/cluster/dead-letters/1/replay': () => {
      const answer = replay();
      if (answer.ok) letters = letters.filter((l) => l.id !== 1);
      return answer;
    },
  });
}

describe('ClusterPage silos', () => {
  it('shows each silo of the membership with its status, address, start, activations and activities', async () => {
    stubCluster(
      () => new Response(null, { status: 204 }),
      [
        silo('silo-1'),
        silo('api', {
          address: '10.0.0.8:11111',
          status: 'shutting_down',
          activationCount: null,
          runningActivities: 0,
          leasedInboxes: 0,
        }),
      ],
    );
    renderSignedIn(<ClusterPage />);

    const card = await screen.findByRole('article', { name: 'Silo silo-1' });
    const running = within(card);
    expect(running.getByText('Active')).toBeInTheDocument();
    expect(running.getByText('10.0.0.7:11111 · silo-1-host')).toBeInTheDocument();
    expect(running.getByText('Activations').nextElementSibling).toHaveTextContent('42');
    expect(running.getByText('Activities running').nextElementSibling).toHaveTextContent('3');
    expect(running.getByText('Started').nextElementSibling).toHaveTextContent(/3 min/);
    expect(running.getByText(/^Alive/)).toBeInTheDocument();

    const leaving = within(screen.getByRole('article', { name: 'Silo api' }));
    expect(leaving.getByText('Shutting down')).toBeInTheDocument();
    expect(leaving.getByText('Activations').nextElementSibling).toHaveTextContent('–');
    expect(leaving.getByText('Activities running').nextElementSibling).toHaveTextContent('0');

    expect(screen.getByText('Silos active').nextElementSibling).toHaveTextContent('1');
    expect(screen.getByText('of 2 in the membership')).toBeInTheDocument();
  });

  it('keeps dead silos apart, with their status and last alive time', async () => {
    stubCluster(
      () => new Response(null, { status: 204 }),
      [
        silo('silo-1', { generation: 2 }),
        silo('silo-1', {
          status: 'dead',
          activationCount: null,
          runningActivities: 0,
          leasedInboxes: 0,
        }),
      ],
    );
    renderSignedIn(<ClusterPage />);

    const summary = await screen.findByText(/1 dead silo/);
    const dead = summary.closest('details')!;
    expect(dead).not.toHaveAttribute('open');
    const cards = screen.getAllByRole('article', { hidden: true, name: 'Silo silo-1' });
    expect(cards).toHaveLength(2);
    const [living, gone] = cards as [HTMLElement, HTMLElement];
    expect(dead).not.toContainElement(living);
    expect(within(living).getByText('Active')).toBeInTheDocument();
    expect(dead).toContainElement(gone);
    expect(within(gone).getByText('Dead')).toBeInTheDocument();
    expect(within(gone).getByText(/^Last alive/)).toBeInTheDocument();
    expect(screen.getByText('Silos active').nextElementSibling).toHaveTextContent('1');
  });

  it('links to the Orleans Dashboard', async () => {
    stubCluster(() => new Response(null, { status: 204 }), [silo('silo-1')]);
    renderSignedIn(<ClusterPage />);
    expect(await screen.findByRole('link', { name: 'Orleans Dashboard' })).toHaveAttribute(
      'href',
      '/orleans/',
    );
  });

  it('tells other companies that the cluster is for operators', async () => {
    stubApi({
      'GET /api/cluster/silos': () => problem(403, { title: 'Forbidden', code: 'forbidden' }),
      'GET /api/cluster/dead-letters': () =>
        problem(403, { title: 'Forbidden', code: 'forbidden' }),
    });
    renderSignedIn(<ClusterPage />);
    expect(await screen.findByText('The cluster is for operators')).toBeInTheDocument();
  });
});

describe('ClusterPage dead letters', () => {
  it('lists dead letters with their error and replays one', async () => {
    const user = userEvent.setup();
    const calls = stubCluster(() => new Response(null, { status: 204 }));
    renderSignedIn(<ClusterPage />);
    const replay = await screen.findByRole('button', { name: 'Replay dead letter 1' });
    expect(screen.getAllByText('The model answered 500.')).toHaveLength(2);
    await user.click(replay);
    expect(await screen.findByText('Queued again')).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Replay dead letter 1' }),
      ).not.toBeInTheDocument(),
    );
    expect(calls.some((c) => c.method === 'POST' && c.url.endsWith('/dead-letters/1/replay'))).toBe(
      true,
    );
  });

  it('puts a letter back and says why when the Api refuses the replay', async () => {
    const user = userEvent.setup();
    stubCluster(() =>
      problem(404, { title: 'Not found', detail: 'Dead letter 1 does not exist or was replayed.' }),
    );
    renderSignedIn(<ClusterPage />);
    await user.click(await screen.findByRole('button', { name: 'Replay dead letter 1' }));
    expect(await screen.findByText('Dead letter 1 was not replayed')).toBeInTheDocument();
    expect(screen.getByText(/does not exist or was replayed/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Replay dead letter 1' })).toBeInTheDocument();
  });
});
