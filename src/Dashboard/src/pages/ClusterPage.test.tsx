import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../services/cluster';
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

function stubCluster(replay: () => Response) {
  let letters = [letter(1), letter(2)];
  return stubApi({
    'GET /api/cluster/silos': () => Response.json([]),
    'GET /health/ready': () => Response.json({ status: 'Healthy', entries: {} }),
    'GET /api/cluster/dead-letters': () => Response.json(letters),
    'POST /api/cluster/dead-letters/1/replay': () => {
      const answer = replay();
      if (answer.ok) letters = letters.filter((l) => l.id !== 1);
      return answer;
    },
  });
}

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
