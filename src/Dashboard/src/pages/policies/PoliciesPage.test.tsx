import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../services/policies';
import { problem, renderSignedIn, stubApi } from '../../test/render';
import { PoliciesPage } from './PoliciesPage';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const rule: PolicyRule = {
  id: 4,
  companyId: 1,
  name: 'sales-never-above-engineering',
  kind: 'role_separation',
  description: '',
  enabled: true,
  roleSeparation: {
    upper: { departments: ['sales'], roles: [] },
    lower: { departments: ['engineering'], roles: [] },
    reason: 'Sales does not direct engineering.',
  },
  version: 2,
  updatedAt: '2026-01-01T00:00:00Z',
};

function agent(id: number, firstName: string, role: string) {
  return {
    id,
    companyId: 1,
    profile: { firstName, lastName: 'Test', role, department: role, model: 'offline' },
    status: 'active',
    avatarArtifactId: null,
    managerAgentId: null,
    reportsToCeo: true,
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

describe('PoliciesPage', () => {
  it('lists the rules in words', async () => {
    stubApi({
      'GET /api/policies/rules': () => Response.json([rule]),
      'GET /api/agents': () => Response.json([]),
    });
    renderSignedIn(<PoliciesPage />);
    expect(await screen.findByText('sales-never-above-engineering')).toBeInTheDocument();
    expect(
      screen.getByText('sales never above engineering: Sales does not direct engineering.'),
    ).toBeInTheDocument();
  });

  it('switches a rule off at once and back when the Api refuses', async () => {
    const user = userEvent.setup();
    stubApi({
      'GET /api/policies/rules': () => Response.json([rule]),
      'GET /api/agents': () => Response.json([]),
      'PUT /api/policies/rules/4': () =>
        problem(412, {
          title: 'The resource changed',
          detail: 'Rule 4 is at version 3, not 2: reload and try again.',
        }),
    });
    renderSignedIn(<PoliciesPage />);
    const enabled = await screen.findByRole('checkbox', {
      name: 'sales-never-above-engineering enabled',
    });
    await user.click(enabled);
    expect(await screen.findByText(/is at version 3, not 2/)).toBeInTheDocument();
    await waitFor(() => expect(enabled).toBeChecked());
  });

  it('asks whether one agent may assign to another and shows the refusal in the Api’s words', async () => {
    const user = userEvent.setup();
    const calls = stubApi({
      'GET /api/policies/rules': () => Response.json([rule]),
      'GET /api/agents': () => Response.json([agent(1, 'Sam', 'Sales'), agent(2, 'Ada', 'CTO')]),
      'GET /api/policies/can-assign': () =>
        Response.json({
          allowed: false,
          rule: 'role:sales-never-above-engineering',
          reason: 'Sam Test may not assign work to Ada Test: Sales does not direct engineering.',
        }),
    });
    renderSignedIn(<PoliciesPage />);
    await screen.findAllByRole('option', { name: /Sam Test/ });
    await user.selectOptions(screen.getByLabelText('Who assigns'), '1');
    await user.selectOptions(screen.getByLabelText('Who would receive the work'), '2');
    expect(await screen.findByText('Refused')).toBeInTheDocument();
    expect(screen.getByText(/may not assign work to Ada Test/)).toBeInTheDocument();
    expect(screen.getByText('role:sales-never-above-engineering')).toBeInTheDocument();
    const asked = calls.find((c) => c.url.includes('can-assign'));
    expect(new URL(asked!.url).search).toBe('?from=1&to=2');
  });
});
