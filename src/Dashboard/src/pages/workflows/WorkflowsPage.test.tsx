import { configure, fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionContext } from '../../app/session';
import { problem, renderSignedIn, stubApi, testSession } from '../../test/render';
import { layoutGraph } from './WorkflowGraph';
import { WorkflowsPage } from './WorkflowsPage';

// Flows of several steps: generous waits, as test machines can be loaded.
configure({ asyncUtilTimeout: 5000 });
const SLOW = 30_000;

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const definition = {
  steps: [
    {
      id: 'analyse',
      agent: { role: 'Market Analyst' },
      title: 'Market analysis',
      brief: 'Size it.',
    },
    {
      id: 'content',
      requires: ['analyse'],
      agent: { department: 'Marketing' },
      title: 'Copy',
      brief: 'Write.',
    },
  ],
};

const workflow = (version: number) => ({
  id: 3,
  companyId: 1,
  name: 'Product pipeline',
  description: null,
  definition,
  stepCount: 2,
  version,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

const shape = {
  layers: [['analyse'], ['content']],
  edges: [{ from: 'analyse', to: 'content', kind: 'requires' }],
  inputs: [],
};

describe('layoutGraph', () => {
  it('places each layer right of the one before and links the steps left to right', () => {
    const layout = layoutGraph(
      [['a'], ['b', 'c'], ['d']],
      [
        { from: 'a', to: 'b', kind: 'requires' },
        { from: 'a', to: 'c', kind: 'requires' },
        { from: 'c', to: 'd', kind: 'compensates' },
        { from: 'x', to: 'd', kind: 'requires' },
      ],
    );
    const at = Object.fromEntries(layout.nodes.map((n) => [n.id, n]));
    expect(at.a!.x).toBeLessThan(at.b!.x);
    expect(at.b!.x).toBe(at.c!.x);
    expect(at.c!.x).toBeLessThan(at.d!.x);
    expect(at.b!.y).toBeLessThan(at.c!.y);
    // A lone step sits in the middle of the tallest layer.
    expect(at.a!.y).toBeCloseTo((at.b!.y + at.c!.y) / 2);
    expect(layout.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['a>b', 'a>c', 'c>d']);
    expect(layout.width).toBeGreaterThan(at.d!.x);
  });
});

describe('WorkflowsPage', () => {
  it(
    'draws the template’s steps, names the server’s validation error, and saves a new version',
    async () => {
      const user = userEvent.setup();
      const saved: unknown[] = [];
      let version = 1;
      stubApi({
        'GET /api/workflows': () => Response.json([workflow(version)]),
        'GET /api/workflows/3/versions': () =>
          Response.json(
            Array.from({ length: version }, (_, i) => ({
              workflowId: 3,
              version: version - i,
              name: 'Product pipeline',
              definition,
              createdAt: '2026-01-01T00:00:00Z',
            })),
          ),
        'GET /api/workflows/3/runs': () => Response.json([]),
        'POST /api/workflows/check': async (request) => {
          const body = (await request.json()) as {
            definition: { steps: { requires?: string[] }[] };
          };
          return body.definition.steps[1]?.requires?.includes('analyze')
            ? problem(400, {
                title: 'One or more validation errors occurred.',
                errors: { 'definition.steps[1].requires[0]': ["unknown step 'analyze'"] },
              })
            : Response.json(shape);
        },
        'PUT /api/workflows/3': async (request) => {
          saved.push(await request.json());
          version = 2;
          return Response.json(workflow(2));
        },
      });
      renderSignedIn(<WorkflowsPage />);
      await user.click(await screen.findByRole('button', { name: /Product pipeline/ }));
      expect(await screen.findByRole('img', { name: /analyse, then content/ })).toBeInTheDocument();

      const editor = screen.getByLabelText('Definition (JSON)');
      fireEvent.change(editor, { target: { value: '{ "steps": [ ' } });
      await user.click(screen.getByRole('button', { name: 'Check' }));
      expect(await screen.findByText(/The definition is not valid JSON/)).toBeInTheDocument();

      const wrong = structuredClone(definition);
      wrong.steps[1]!.requires = ['analyze'];
      fireEvent.change(editor, { target: { value: JSON.stringify(wrong) } });
      await user.click(screen.getByRole('button', { name: 'Check' }));
      const refused = await screen.findByRole('list', { name: 'Validation errors' });
      expect(refused).toHaveTextContent("definition.steps[1].requires[0]: unknown step 'analyze'");

      fireEvent.change(editor, { target: { value: JSON.stringify(definition) } });
      await user.click(screen.getByRole('button', { name: 'Save as a new version' }));
      expect(await screen.findByText('Saved “Product pipeline” as version 2')).toBeInTheDocument();
      expect(saved).toEqual([{ name: 'Product pipeline', definition, expectedVersion: 1 }]);
      expect(
        await screen.findByRole('button', { name: 'Version 2 (current)' }),
      ).toBeInTheDocument();
    },
    SLOW,
  );

  it('lets a viewer read a template but not change it', async () => {
    stubApi({
      'GET /api/workflows': () => Response.json([workflow(1)]),
      'GET /api/workflows/3/versions': () => Response.json([]),
      'GET /api/workflows/3/runs': () => Response.json([]),
    });
    renderSignedIn(
      <SessionContext.Provider value={{ ...testSession, role: 'viewer' }}>
        <WorkflowsPage />
      </SessionContext.Provider>,
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /Product pipeline/ }));
    expect(screen.getByRole('button', { name: 'New template' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Check' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Save as a new version' })).toBeDisabled();
    expect(screen.getByLabelText('Definition (JSON)')).toHaveAttribute('readonly');
    expect(screen.getAllByText('Only the CEO writes workflow templates.').length).toBeGreaterThan(
      0,
    );
    expect(screen.getByRole('button', { name: 'Start a run' })).toBeDisabled();
  });

  it(
    'starts a run from the template’s inputs and shows the server’s refusal beside the named input',
    async () => {
      const user = userEvent.setup();
      const withInputs = {
        ...workflow(1),
        definition: {
          ...definition,
          inputs: {
            product: { type: 'string', required: true },
            budget: { type: 'number', default: 100 },
          },
        },
      };
      const started: unknown[] = [];
      stubApi({
        'GET /api/workflows': () => Response.json([withInputs]),
        'GET /api/workflows/3/versions': () => Response.json([]),
        'POST /api/workflows/check': () => Response.json(shape),
        'GET /api/workflows/3/runs': () =>
          Response.json([
            {
              id: 12,
              companyId: 1,
              workflowId: 3,
              workflowVersion: 1,
              status: 'failed',
              inputs: {},
              steps: [],
              cost: 0.5,
              error: null,
              startedBy: 'owner@fluid.local',
              createdAt: '2026-01-01T00:00:00Z',
              updatedAt: '2026-01-01T00:00:00Z',
              finishedAt: null,
            },
          ]),
        'POST /api/workflows/3/runs': async (request) => {
          const body = (await request.json()) as { inputs: Record<string, unknown> };
          started.push(body);
          return problem(400, {
            title: 'One or more validation errors occurred.',
            errors: { 'inputs.budget': ['must be of type number'] },
          });
        },
      });
      renderSignedIn(<WorkflowsPage />);
      await user.click(await screen.findByRole('button', { name: /Product pipeline/ }));
      const runs = await screen.findByRole('table', { name: 'Runs' });
      expect(runs).toHaveTextContent('Run #12');
      expect(runs).toHaveTextContent('failed');
      expect(runs).toHaveTextContent('$0.50');

      const budget = screen.getByLabelText('budget (number)');
      expect(budget).toHaveValue('100');
      await user.type(screen.getByLabelText('product (string, required)'), 'Widget');
      await user.clear(budget);
      await user.type(budget, 'lots');
      await user.click(screen.getByRole('button', { name: 'Start a run' }));
      expect(await screen.findByText(/must be of type number/)).toHaveTextContent(
        'inputs.budget: must be of type number',
      );
      expect(budget).toHaveAttribute('aria-invalid', 'true');
      expect(budget).toHaveAccessibleDescription('inputs.budget: must be of type number');
      expect(started).toEqual([{ inputs: { product: 'Widget', budget: 'lots' } }]);
    },
    SLOW,
  );
});
