import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { problem, renderSignedIn, stubApi, viewerSession } from '../../test/render';
import { CompanyTransferPage } from './CompanyTransferPage';

configure({ asyncUtilTimeout: 5000 });
const SLOW = 30_000;

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const document = {
  format: 'fluidmanager.company',
  formatVersion: 1,
  exportedAt: '2026-01-02T03:04:05Z',
  company: { name: 'Northwind' },
  sections: {
    agents: [{ ref: 'agent-1' }, { ref: 'agent-2' }],
    workflows: [{ name: 'Launch' }],
    companyPolicy: { allowedModels: [] },
  },
};

const report = (dryRun: boolean) => ({
  dryRun,
  formatVersion: 1,
  agents: dryRun ? {} : { 'agent-1': 41, 'agent-2': 42 },
  sections: [
    {
      section: 'agents',
      added: ['Ada Lovelace'],
      removed: ['Grace Hopper'],
      changed: ['Alan Turing'],
      unchanged: 3,
    },
    { section: 'workflowTriggers', added: [], removed: [], changed: [], unchanged: 1 },
  ],
});

function file(content: string, name = 'northwind.json') {
  return new File([content], name, { type: 'application/json' });
}

describe('CompanyTransferPage', () => {
  it('offers the export as a download, with or without the documents’ bytes', async () => {
    const user = userEvent.setup();
    stubApi({});
    renderSignedIn(<CompanyTransferPage />);
    const link = screen.getByRole('link', { name: 'Download the export' });
    expect(link).toHaveAttribute('href', '/api/company/export');
    expect(link.getAttribute('download')).toMatch(/^acme-\d{4}-\d{2}-\d{2}\.json$/);
    await user.click(screen.getByLabelText(/Include the knowledge documents/));
    expect(link).toHaveAttribute('href', '/api/company/export?documents=true');
  });

  it(
    'compares a chosen file with the company, then shows the Api’s refusal of a company that is not empty',
    async () => {
      const user = userEvent.setup();
      const calls = stubApi({
        'POST /api/company/import': (request) =>
          new URL(request.url).searchParams.get('dryRun') === 'true'
            ? Response.json(report(true))
            : problem(409, {
                title: 'The company is not empty',
                detail:
                  'An import needs a company without agents, tasks, schedules, workflows or spaces.',
                code: 'company.not_empty',
              }),
      });
      renderSignedIn(<CompanyTransferPage />);
      await user.upload(
        screen.getByLabelText('Company document (JSON)'),
        file(JSON.stringify(document)),
      );
      expect(await screen.findByText('Northwind')).toBeInTheDocument();
      expect(screen.getByText('Agents: 2 · Workflows: 1 · Company policy: 1')).toBeInTheDocument();

      await user.click(screen.getByRole('button', { name: 'Compare (dry run)' }));
      const table = await screen.findByRole('table', { name: 'Differences' });
      const agents = within(table).getByRole('row', { name: /^Agents/ });
      expect(agents).toHaveTextContent('Ada Lovelace');
      expect(agents).toHaveTextContent('Grace Hopper');
      expect(agents).toHaveTextContent('Alan Turing');
      expect(within(table).getByRole('row', { name: /^Workflow triggers/ })).toHaveTextContent('1');
      const sent = calls.find((c) => c.method === 'POST')!;
      expect(await sent.json()).toEqual(document);

      await user.click(screen.getByRole('button', { name: 'Import…' }));
      const dialog = await screen.findByRole('dialog', { name: 'Import into this company?' });
      await user.click(within(dialog).getByRole('button', { name: 'Import' }));
      expect(await within(dialog).findByText('The company is not empty')).toBeInTheDocument();
      expect(
        within(dialog).getByText(/Create a new company from the company menu/),
      ).toBeInTheDocument();
    },
    SLOW,
  );

  it(
    'imports into an empty company and lists what it created',
    async () => {
      const user = userEvent.setup();
      stubApi({ 'POST /api/company/import': () => Response.json(report(false)) });
      renderSignedIn(<CompanyTransferPage />);
      await user.upload(
        screen.getByLabelText('Company document (JSON)'),
        file(JSON.stringify(document)),
      );
      await user.click(await screen.findByRole('button', { name: 'Import…' }));
      const dialog = await screen.findByRole('dialog', { name: 'Import into this company?' });
      await user.click(within(dialog).getByRole('button', { name: 'Import' }));
      const table = await screen.findByRole('table', { name: 'Import report' });
      expect(within(table).getByRole('row', { name: /^Agents/ })).toHaveTextContent('Ada Lovelace');
      expect(screen.getByText('Agents created: agent-1 → #41, agent-2 → #42.')).toBeInTheDocument();
    },
    SLOW,
  );

  it('says where a file that is not JSON is wrong, and sends nothing', async () => {
    const user = userEvent.setup();
    const calls = stubApi({});
    renderSignedIn(<CompanyTransferPage />);
    await user.upload(screen.getByLabelText('Company document (JSON)'), file('{ "format": '));
    expect(await screen.findByRole('alert')).toHaveTextContent(/^The file is not JSON: /);
    expect(screen.getByRole('button', { name: 'Compare (dry run)' })).toBeDisabled();
    expect(calls).toHaveLength(0);
  });

  it('shows a viewer the export, and the import disabled with the reason', async () => {
    const user = userEvent.setup();
    stubApi({});
    renderSignedIn(<CompanyTransferPage />, { session: viewerSession });
    expect(screen.getByRole('link', { name: 'Download the export' })).toBeInTheDocument();
    await user.upload(
      screen.getByLabelText('Company document (JSON)'),
      file(JSON.stringify(document)),
    );
    await screen.findByText('Northwind');
    expect(screen.getByRole('button', { name: 'Compare (dry run)' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Import…' })).toBeDisabled();
    expect(screen.getAllByRole('tooltip', { hidden: true })[0]).toHaveTextContent(
      'Only the CEO imports a company.',
    );
  });
});
