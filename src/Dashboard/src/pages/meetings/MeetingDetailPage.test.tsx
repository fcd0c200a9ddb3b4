import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { renderSignedIn, stubApi } from '../../test/render';
import { MeetingDetailPage } from './MeetingDetailPage';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const participant = (agentId: number, name: string, role: string, position: number) => ({
  agentId,
  name,
  role,
  department: role === 'CTO' ? 'Engineering' : 'Sales',
  position,
  messages: 1,
  inputTokens: 100,
  outputTokens: 50,
  cost: 0,
});

const meeting = {
  id: 7,
  companyId: 1,
  title: 'Q3 launch',
  goal: 'Agree on what ships',
  agenda: ['Launch scope'],
  status: 'completed',
  participants: [
    participant(1, 'Ada Test', 'CTO', 1),
    participant(2, 'Rafael Test', 'Head of Sales', 2),
  ],
  maxRounds: 3,
  maxTokens: null,
  budget: null,
  autoDispatch: false,
  model: null,
  round: 3,
  speakingAgentId: null,
  synthesisAttempts: 1,
  inputTokens: 200,
  outputTokens: 100,
  cost: 0,
  endReason: 'Ended by the CEO.',
  error: null,
  createdBy: 'human:1',
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: '2026-01-01T00:10:00Z',
  version: 4,
};

const cta = (id: number, title: string, ownerAgentId: number, extra: Record<string, unknown>) => ({
  id,
  meetingId: 7,
  position: id,
  title,
  description: '',
  ownerAgentId,
  ownerName: ownerAgentId === 1 ? 'Ada Test' : 'Rafael Test',
  dueDate: '2026-02-01',
  priority: 'normal',
  rationale: 'Taken on in the meeting.',
  decisionId: null,
  status: 'proposed',
  taskId: null,
  taskStatus: null,
  assigneeAgentId: null,
  route: null,
  refusalRule: null,
  refusalReason: null,
  version: 1,
  ...extra,
});

const refusal =
  'The route to Tomás Test (QA Engineer) is refused at Priya Test (Engineering Manager) → Tomás Test (QA Engineer): Priya Test may not assign work to Tomás Test: Quality answers to the CTO.';

const minutes = {
  meetingId: 7,
  summary: "The CTO and the Head of Sales met on 'Q3 launch'.",
  decisions: [{ id: 1, position: 1, text: 'Go ahead with the launch scope.' }],
  risks: ['The timeline is tight.'],
  openQuestions: ['What budget does it need?'],
  callsToAction: [
    cta(1, 'Technical plan', 1, { status: 'dispatched', taskId: 40, taskStatus: 'running' }),
    cta(2, 'Sales plan', 2, {}),
    cta(3, 'Fix the demo path', 2, {
      status: 'refused',
      refusalRule: 'role:em-never-above-qa',
      refusalReason: refusal,
    }),
  ],
  model: 'offline',
  attempts: 1,
  createdAt: '2026-01-01T00:10:00Z',
};

function renderMeeting() {
  return renderSignedIn(
    <Routes>
      <Route path="/meetings/:meetingId" element={<MeetingDetailPage />} />
    </Routes>,
    { path: '/meetings/7' },
  );
}

describe('MeetingDetailPage', () => {
  it('names the minutes’ lists and the calls to action, and shows a refusal whole, in words', async () => {
    stubApi({
      'GET /api/meetings/7': () => Response.json(meeting),
      'GET /api/meetings/7/messages': () => Response.json([]),
      'GET /api/meetings/7/minutes': () => Response.json(minutes),
      'GET /api/agents': () => Response.json([]),
    });
    renderMeeting();
    const region = await screen.findByRole('region', { name: 'Minutes' });
    expect(within(region).getByRole('list', { name: 'Decisions' })).toHaveTextContent(
      'Go ahead with the launch scope.',
    );
    expect(within(region).getByRole('list', { name: 'Risks' })).toHaveTextContent('tight');
    expect(within(region).getByRole('list', { name: 'Open questions' })).toHaveTextContent(
      'What budget',
    );
    const table = within(region).getByRole('table', { name: 'Calls to action' });
    const refused = within(table).getByText(refusal);
    // A sentence for people, not a clipped technical error.
    expect(refused).not.toHaveClass('error-text');
    // The dispatched one links to its task with the task's status; the others can be dropped.
    expect(within(table).getByRole('link', { name: 'Running' })).toHaveAttribute(
      'href',
      '/tasks/40',
    );
    expect(within(table).queryByRole('button', { name: 'Drop “Technical plan”' })).toBeNull();
    expect(within(table).getByRole('button', { name: 'Drop “Sales plan”' })).toBeEnabled();
    expect(within(table).getByRole('button', { name: 'Drop “Fix the demo path”' })).toBeEnabled();
  });

  it('drops a call to action and dispatches the rest', async () => {
    const user = userEvent.setup();
    const calls = stubApi({
      'GET /api/meetings/7': () => Response.json(meeting),
      'GET /api/meetings/7/messages': () => Response.json([]),
      'GET /api/meetings/7/minutes': () => Response.json(minutes),
      'GET /api/agents': () => Response.json([]),
      'PATCH /api/meetings/7/ctas/2': () =>
        Response.json({ ...minutes.callsToAction[1], status: 'dropped' }),
      'POST /api/meetings/7/dispatch': () => Response.json(minutes.callsToAction),
    });
    renderMeeting();
    await user.click(await screen.findByRole('button', { name: 'Drop “Sales plan”' }));
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(await patch!.json()).toMatchObject({ dropped: true, ownerAgentId: null });
    await user.click(screen.getByRole('button', { name: 'Dispatch calls to action' }));
    expect(await screen.findByText('1 refused by the hierarchy policy')).toBeInTheDocument();
    const post = calls.find((c) => c.method === 'POST');
    expect(await post!.json()).toEqual({ ctaIds: null });
  });

  it('edits a call to action and sends only what changed', async () => {
    const user = userEvent.setup();
    const calls = stubApi({
      'GET /api/meetings/7': () => Response.json(meeting),
      'GET /api/meetings/7/messages': () => Response.json([]),
      'GET /api/meetings/7/minutes': () => Response.json(minutes),
      'GET /api/agents': () => Response.json([]),
      'PATCH /api/meetings/7/ctas/2': () =>
        Response.json({ ...minutes.callsToAction[1], title: 'Sales plan for the launch' }),
    });
    renderMeeting();
    expect(await screen.findByRole('button', { name: 'Edit “Sales plan”' })).toBeEnabled();
    expect(screen.queryByRole('button', { name: 'Edit “Technical plan”' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Edit “Sales plan”' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit call to action' });
    const title = within(dialog).getByLabelText('Title');
    await user.clear(title);
    await user.type(title, 'Sales plan for the launch');
    await user.selectOptions(within(dialog).getByLabelText('Priority'), 'urgent');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    const patch = calls.find((c) => c.method === 'PATCH');
    // The due date was not touched: it is not sent (one in the past would be refused).
    expect(await patch!.json()).toEqual({
      title: 'Sales plan for the launch',
      description: null,
      dueDate: null,
      priority: 'urgent',
      ownerAgentId: null,
      dropped: null,
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});
