import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompanyPolicy } from '../../services/companyPolicy';
import { problem, renderSignedIn, stubApi, viewerSession } from '../../test/render';
import { CompanyPolicyCard } from './CompanyPolicyCard';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const policy: CompanyPolicy = {
  companyId: 1,
  allowedModels: ['offline'],
  serverAllowedModels: ['offline', 'scripted:*'],
  monthlyBudgetUsd: 250,
  monthlyTokenLimit: null,
  defaultAgentLimits: { tokensPerDay: 10000, tokensPerMonth: null, maxCost: null },
  webDailyQuota: 20,
  ceoAssignment: 'follow_hierarchy',
  flaggedAgents: [
    {
      agentId: 7,
      displayName: 'Sam Scripted',
      model: 'scripted:demo',
      reason: "'scripted:demo' is not in the company's allowed models (offline)",
    },
  ],
  version: 3,
  updatedAt: '2026-01-01T00:00:00Z',
};

const rules = [
  {
    id: 1,
    companyId: 1,
    name: 'approve-publication',
    kind: 'approval_required',
    description: '',
    enabled: true,
    approval: { action: 'publication', threshold: null },
    version: 1,
    updatedAt: '2026-01-01T00:00:00Z',
  },
];

describe('CompanyPolicyCard', () => {
  it('shows the policy, the server’s bound, the flagged agents and the actions that wait', async () => {
    stubApi({
      'GET /api/company-policy': () => Response.json(policy),
      'GET /api/policies/rules': () => Response.json(rules),
    });
    renderSignedIn(<CompanyPolicyCard disabledReason={undefined} />);
    expect(await screen.findByLabelText('Allowed models')).toHaveValue('offline');
    expect(screen.getByTestId('server-models')).toHaveTextContent('offline, scripted:*');
    expect(screen.getByLabelText('Monthly budget (USD)')).toHaveValue('250');
    expect(screen.getByLabelText('New agents: tokens per day')).toHaveValue('10000');
    expect(screen.getByLabelText('Web requests per agent per day')).toHaveValue('20');
    expect(screen.getByText(/Sam Scripted/)).toBeInTheDocument();
    expect(await screen.findByRole('checkbox', { name: 'Publication' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Spending' })).not.toBeChecked();
  });

  it('sends the whole policy with its version and shows a refused field beside it', async () => {
    const user = userEvent.setup();
    const calls = stubApi({
      'GET /api/company-policy': () => Response.json(policy),
      'GET /api/policies/rules': () => Response.json(rules),
      'PUT /api/company-policy': () =>
        problem(400, {
          title: 'One or more validation errors occurred.',
          errors: { allowedModels: ["'openai:gpt-4o' is outside the server's allowed models"] },
        }),
    });
    renderSignedIn(<CompanyPolicyCard disabledReason={undefined} />);
    const models = await screen.findByLabelText(/Allowed models/);
    await user.clear(models);
    await user.type(models, 'offline, openai:gpt-4o');
    await user.selectOptions(screen.getByLabelText('Tasks the CEO assigns'), 'direct');
    await user.click(screen.getByRole('button', { name: /Save policy/ }));
    const field = models.closest('label')!;
    expect(
      await within(field).findByText("'openai:gpt-4o' is outside the server's allowed models."),
    ).toBeInTheDocument();
    expect(models).toHaveAttribute('aria-invalid', 'true');
    const sent = (await calls.find((c) => c.method === 'PUT')!.json()) as Record<string, unknown>;
    expect(sent).toMatchObject({
      allowedModels: ['offline', 'openai:gpt-4o'],
      monthlyBudgetUsd: 250,
      ceoAssignment: 'direct',
      expectedVersion: 3,
    });
  });

  it('says which number is not one without asking the Api', async () => {
    const user = userEvent.setup();
    const calls = stubApi({
      'GET /api/company-policy': () => Response.json(policy),
      'GET /api/policies/rules': () => Response.json(rules),
    });
    renderSignedIn(<CompanyPolicyCard disabledReason={undefined} />);
    const budget = await screen.findByLabelText('Monthly budget (USD)');
    await user.clear(budget);
    await user.type(budget, 'lots');
    await user.click(screen.getByRole('button', { name: /Save policy/ }));
    expect(await screen.findByText(/Enter a number/)).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it('leaves a viewer every control disabled', async () => {
    stubApi({
      'GET /api/company-policy': () => Response.json(policy),
      'GET /api/policies/rules': () => Response.json(rules),
    });
    renderSignedIn(
      <CompanyPolicyCard disabledReason="Only the CEO changes the company policy." />,
      {
        session: viewerSession,
      },
    );
    expect(await screen.findByLabelText('Allowed models')).toBeDisabled();
    expect(screen.getByLabelText('Monthly budget (USD)')).toBeDisabled();
    expect(screen.getByRole('button', { name: /Save policy/ })).toBeDisabled();
    expect(await screen.findByRole('checkbox', { name: 'Publication' })).toBeDisabled();
  });
});
