import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { problem, renderSignedIn, stubApi } from '../../test/render';
import { WorklogCard } from './ProgressParts';

configure({ asyncUtilTimeout: 5000 });
const SLOW = 30_000;

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const entries = [
  {
    id: 2,
    taskId: null,
    taskTitle: null,
    body: 'Read the style guide.',
    at: '2026-01-02T00:00:00Z',
  },
  {
    id: 1,
    taskId: 40,
    taskTitle: 'Draft the launch post',
    body: 'First draft.',
    at: '2026-01-01T00:00:00Z',
  },
];

describe('WorklogCard', () => {
  it(
    'lists notes with and without a task, adds a note and shows the server’s refusal beside it',
    async () => {
      const user = userEvent.setup();
      const sent: unknown[] = [];
      stubApi({
        'POST /api/agents/7/worklog': async (request) => {
          const body = (await request.json()) as { body: string };
          sent.push(body);
          if (body.body.trim() === '')
            return problem(400, { title: 'Invalid', errors: { body: ['is required'] } });
          return Response.json(
            {
              id: 3,
              taskId: null,
              agentId: 7,
              visibility: 'manager',
              body: body.body,
              stepKey: null,
              createdAt: '2026-01-03T00:00:00Z',
            },
            { status: 201 },
          );
        },
      });
      renderSignedIn(<WorklogCard agentId={7} entries={entries} canEdit />);
      const list = screen.getByRole('list', { name: 'Worklog entries' });
      expect(within(list).getByText('No task')).toBeInTheDocument();
      expect(within(list).getByRole('link', { name: 'Draft the launch post' })).toHaveAttribute(
        'href',
        '/tasks/40',
      );

      await user.type(screen.getByLabelText('A note outside any task'), '   ');
      await user.click(screen.getByRole('button', { name: 'Add note' }));
      await screen.findByText('Is required.');

      // The refusal now sits inside the field's label: find the box by its role.
      await user.clear(screen.getByRole('textbox'));
      await user.type(screen.getByRole('textbox'), 'Planned next week.');
      await user.click(screen.getByRole('button', { name: 'Add note' }));
      await screen.findByDisplayValue('');
      expect(sent).toEqual([
        { body: '   ', visibility: null },
        { body: 'Planned next week.', visibility: null },
      ]);
    },
    SLOW,
  );

  it('disables the note for anyone but the CEO', () => {
    renderSignedIn(<WorklogCard agentId={7} entries={[]} canEdit={false} />);
    expect(screen.getByLabelText('A note outside any task')).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Add note' })).toBeDisabled();
  });
});
