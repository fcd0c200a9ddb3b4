import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { problem, renderSignedIn, stubApi } from '../../test/render';
import { MissionsPage } from './MissionsPage';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

function agent(id: number, firstName: string, role: string, department: string) {
  return {
    id,
    companyId: 1,
    profile: { firstName, lastName: 'Test', role, department, model: 'offline' },
    status: 'active',
    avatarArtifactId: null,
    managerAgentId: null,
    reportsToCeo: true,
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

const agents = [agent(1, 'Ada', 'CTO', 'Engineering'), agent(2, 'Chloe', 'CMO', 'Marketing')];

describe('MissionsPage', () => {
  it('asks the Api for an assignee, selects it and shows why', async () => {
    const user = userEvent.setup();
    const calls = stubApi({
      'GET /api/agents': () => Response.json(agents),
      'GET /api/tasks': () => Response.json({ items: [], next: null }),
      'GET /api/missions/suggest-assignee': () =>
        Response.json({
          suggestedAgentId: 2,
          reason: 'Chloe Test (CMO, Marketing) matches the mission best: department (marketing).',
          candidates: [
            {
              agentId: 2,
              name: 'Chloe Test',
              role: 'CMO',
              department: 'Marketing',
              score: 3,
              openTasks: 1,
              matches: ['marketing'],
              reason: 'department (marketing).',
            },
          ],
        }),
    });
    renderSignedIn(<MissionsPage />);
    expect(await screen.findByText('No mission yet')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Title'), 'Marketing plan');
    await user.click(screen.getByRole('button', { name: /Suggest an agent/ }));
    expect(await screen.findByText(/matches the mission best/)).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: /Chloe Test/ })).toBeChecked();
    expect(screen.getByRole('radio', { name: /Ada Test/ })).not.toBeChecked();
    const asked = calls.find((c) => c.url.includes('suggest-assignee'));
    expect(new URL(asked!.url).searchParams.get('title')).toBe('Marketing plan');
  });

  it('shows the Api’s refusal of a launch in its words', async () => {
    const user = userEvent.setup();
    const calls = stubApi({
      'GET /api/agents': () => Response.json(agents),
      'GET /api/tasks': () => Response.json({ items: [], next: null }),
      'POST /api/tasks': () =>
        problem(400, {
          title: 'Invalid request',
          detail: 'Some fields are invalid.',
          errors: { title: ['is required'] },
        }),
    });
    renderSignedIn(<MissionsPage />);
    await user.click(await screen.findByRole('radio', { name: /Ada Test/ }));
    await user.click(screen.getByRole('button', { name: /Launch mission/ }));
    expect(await screen.findByText(/is required/)).toBeInTheDocument();
    const sent = calls.find((c) => c.method === 'POST');
    expect(((await sent!.json()) as { assigneeAgentId: number }).assigneeAgentId).toBe(1);
  });
});
