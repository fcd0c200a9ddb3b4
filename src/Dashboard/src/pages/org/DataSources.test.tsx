import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { problem, renderSignedIn, stubApi } from '../../test/render';
import { DataSources } from './DataSources';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const catalogue = [
  { name: 'crm', kind: 'schema', description: 'The CRM', columns: ['crm.customers'] },
  { name: 'crm.customers', kind: 'view', description: 'Customers', columns: ['id', 'name'] },
];

describe('DataSources', () => {
  it('lists the catalogue with the agent’s grants checked', async () => {
    stubApi({
      'GET /api/knowledge/sql/sources': () => Response.json(catalogue),
      'GET /api/knowledge/sql/agents/7/sources': () =>
        Response.json({
          agentId: 7,
          agentVersion: 3,
          sources: ['crm.customers'],
          sqlToolEnabled: true,
        }),
    });
    renderSignedIn(<DataSources agentId={7} canEdit />);
    expect(await screen.findByRole('checkbox', { name: 'crm.customers' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'crm' })).not.toBeChecked();
  });

  it('grants at once, then puts the switch back and shows the Api’s words when refused', async () => {
    const user = userEvent.setup();
    let answer: (() => void) | undefined;
    const refused = new Promise<void>((resolve) => (answer = resolve));
    stubApi({
      'GET /api/knowledge/sql/sources': () => Response.json(catalogue),
      'GET /api/knowledge/sql/agents/7/sources': () =>
        Response.json({ agentId: 7, agentVersion: 3, sources: [], sqlToolEnabled: false }),
      'GET /api/agents/7': () => Response.json({}),
      'PUT /api/knowledge/sql/agents/7/sources/crm': async () => {
        await refused;
        return problem(400, { title: 'Invalid request', detail: "'crm' is not a data source" });
      },
    });
    renderSignedIn(<DataSources agentId={7} canEdit />);
    expect(await screen.findByText('The sql tool is off for this agent')).toBeInTheDocument();
    const crm = screen.getByRole('checkbox', { name: 'crm' });
    await user.click(crm);
    expect(crm).toBeChecked();
    answer!();
    expect(await screen.findByText(/is not a data source/)).toBeInTheDocument();
    await waitFor(() => expect(crm).not.toBeChecked());
  });
});
