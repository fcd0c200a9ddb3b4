import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { problem, renderSignedIn, stubApi } from '../../test/render';
import { MemoryTab } from './MemoryTab';
import { PlaybookTab } from './PlaybookTab';

// Flows of several steps: generous waits, as test machines can be loaded.
configure({ asyncUtilTimeout: 5000 });
const SLOW = 30_000;

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const item = (id: number, content: string, extra: Record<string, unknown> = {}) => ({
  id,
  companyId: 1,
  agentId: 7,
  kind: 'lesson',
  content,
  sourceKind: 'task',
  sourceTaskId: 40 + id,
  sourceMeetingId: null,
  sourceActor: 'system',
  validFrom: '2026-01-01T00:00:00Z',
  validTo: null,
  supersedesId: null,
  supersededById: null,
  pinned: false,
  forgottenAt: null,
  forgottenBy: null,
  version: 3,
  createdAt: '2026-01-01T00:00:00Z',
  createdBy: 'system',
  updatedAt: '2026-01-01T00:00:00Z',
  ...extra,
});

const change = {
  id: 5,
  companyId: 1,
  agentId: 7,
  status: 'proposed',
  instruction: 'State the discount and its end date.',
  playbookBefore: '',
  playbookAfter: '- State the discount and its end date.\n',
  lessonIds: [1, 2],
  sourceTaskIds: [41, 42],
  createdAt: '2026-01-01T00:00:00Z',
  decidedAt: null,
  decidedBy: null,
  comment: null,
  version: 1,
};

describe('MemoryTab', () => {
  it(
    'searches the memory, links each item to its source and forgets one with the reason',
    async () => {
      const user = userEvent.setup();
      const searches: string[] = [];
      const forgotten: unknown[] = [];
      stubApi({
        'GET /api/agents/7/memory': (request) => {
          const q = new URL(request.url).searchParams.get('q') ?? '';
          searches.push(q);
          return Response.json(
            q === 'discount'
              ? [{ rank: 1, score: 0.8, item: item(1, 'Always state the discount.') }]
              : [
                  { rank: 1, score: 1, item: item(1, 'Always state the discount.') },
                  {
                    rank: 2,
                    score: 1,
                    item: item(2, 'The fiscal year starts in April.', {
                      kind: 'fact',
                      sourceKind: 'meeting',
                      sourceTaskId: null,
                      sourceMeetingId: 9,
                    }),
                  },
                ],
          );
        },
        'GET /api/agents': () => Response.json([]),
        'POST /api/agents/7/memory/1/forget': async (request) => {
          forgotten.push(await request.json());
          return Response.json(
            item(1, 'Always state the discount.', { forgottenAt: '2026-01-02T00:00:00Z' }),
          );
        },
      });
      renderSignedIn(<MemoryTab agentId={7} canEdit />);
      const list = await screen.findByRole('list', { name: 'Memory items' });
      expect(within(list).getByRole('link', { name: 'Task #41' })).toHaveAttribute(
        'href',
        '/tasks/41',
      );
      expect(within(list).getByRole('link', { name: 'Meeting #9' })).toHaveAttribute(
        'href',
        '/meetings/9',
      );

      await user.type(screen.getByLabelText('Search memory'), 'discount');
      await user.click(screen.getByRole('button', { name: 'Search' }));
      await screen.findByText('#1');
      expect(screen.queryByText('The fiscal year starts in April.')).not.toBeInTheDocument();
      expect(searches).toEqual(['', 'discount']);

      await user.click(screen.getByRole('button', { name: 'Forget memory item 1' }));
      const dialog = await screen.findByRole('dialog');
      await user.type(within(dialog).getByLabelText('Why (kept in the record)'), 'Outdated.');
      await user.click(within(dialog).getByRole('button', { name: /Forget/ }));
      await screen.findByText('No search or briefing finds it again.');
      expect(forgotten).toEqual([{ reason: 'Outdated.', asAgentId: null }]);
    },
    SLOW,
  );

  it('shows a viewer the controls disabled, with the reason', async () => {
    stubApi({
      'GET /api/agents/7/memory': () =>
        Response.json([{ rank: 1, score: 1, item: item(1, 'Always state the discount.') }]),
      'GET /api/agents': () => Response.json([]),
    });
    renderSignedIn(<MemoryTab agentId={7} canEdit={false} />);
    const forget = await screen.findByRole('button', { name: 'Forget memory item 1' });
    expect(forget).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Pin memory item 1' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Edit memory item 1' })).toBeDisabled();
    expect(screen.getAllByText('Only the CEO changes an agent’s memory.').length).toBeGreaterThan(
      0,
    );
  });

  it('shows the Api’s words when an edit is refused as stale', async () => {
    const user = userEvent.setup();
    stubApi({
      'GET /api/agents/7/memory': () =>
        Response.json([{ rank: 1, score: 1, item: item(1, 'Always state the discount.') }]),
      'GET /api/agents': () => Response.json([]),
      'PATCH /api/agents/7/memory/1': () =>
        problem(412, { title: 'The memory item changed meanwhile (version 4, not 3).' }),
    });
    renderSignedIn(<MemoryTab agentId={7} canEdit />);
    await user.click(await screen.findByRole('button', { name: 'Pin memory item 1' }));
    expect(await screen.findByText(/changed meanwhile/)).toBeInTheDocument();
  });
});

describe('PlaybookTab', () => {
  it(
    'shows the playbook before and after, and approves with a comment',
    async () => {
      const user = userEvent.setup();
      const decided: unknown[] = [];
      stubApi({
        'GET /api/agents/7/playbook/changes': () => Response.json([change]),
        'GET /api/agents': () => Response.json([]),
        'POST /api/agents/7/playbook/changes/5/approve': async (request) => {
          decided.push(await request.json());
          return Response.json({ ...change, status: 'approved' });
        },
      });
      renderSignedIn(<PlaybookTab agentId={7} canEdit />);
      const row = await screen.findByRole('listitem', { name: change.instruction });
      expect(within(row).getByText('(empty)')).toBeInTheDocument();
      expect(within(row).getByRole('link', { name: 'task #42' })).toHaveAttribute(
        'href',
        '/tasks/42',
      );
      await user.type(within(row).getByLabelText('Comment (optional)'), 'Yes, always.');
      await user.click(within(row).getByRole('button', { name: 'Approve' }));
      await screen.findByText('Added to the playbook');
      expect(decided).toEqual([{ comment: 'Yes, always.' }]);
    },
    SLOW,
  );

  it('disables approve and reject for a viewer', async () => {
    stubApi({
      'GET /api/agents/7/playbook/changes': () => Response.json([change]),
      'GET /api/agents': () => Response.json([]),
    });
    renderSignedIn(<PlaybookTab agentId={7} canEdit={false} />);
    expect(await screen.findByRole('button', { name: 'Approve' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Reject' })).toBeDisabled();
  });
});
