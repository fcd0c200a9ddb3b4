import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { problem, renderSignedIn, stubApi, viewerSession } from '../../test/render';
import { workflowRunKeys, type WorkflowRun } from '../../services/workflowRuns';
import { WorkflowRunPage } from './WorkflowRunPage';

configure({ asyncUtilTimeout: 5000 });
const SLOW = 30_000;

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const definition = {
  steps: [
    { id: 'research', agent: { role: 'Analyst' }, title: 'Research', brief: 'Look.' },
    {
      id: 'code',
      requires: ['research'],
      agent: { role: 'Analyst' },
      title: 'Product code',
      brief: 'Name it.',
      output: { type: 'object' },
    },
  ],
};

function step(key: string, status: string, extra: Partial<WorkflowRun['steps'][number]> = {}) {
  return {
    key,
    status,
    attempt: 1,
    taskId: null,
    taskIds: [],
    agentId: null,
    result: null,
    error: null,
    cost: 0,
    isCompensation: false,
    startedAt: null,
    finishedAt: null,
    retryAt: null,
    ...extra,
  };
}

function run(steps: ReturnType<typeof step>[], status = 'failed'): WorkflowRun {
  return {
    id: 7,
    companyId: 1,
    workflowId: 3,
    workflowVersion: 2,
    status,
    inputs: {},
    steps,
    cost: 0.0123,
    error: status === 'failed' ? "Step 'code' failed." : null,
    startedBy: 'owner@fluid.local',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    finishedAt: null,
  };
}

const failed = run([
  step('research', 'completed', {
    taskId: 41,
    taskIds: [41],
    agentId: 5,
    result: { summary: 'done' },
    cost: 0.01,
  }),
  step('code', 'failed', {
    attempt: 2,
    taskId: 43,
    taskIds: [42, 43],
    error: 'The output does not match the schema.',
    cost: 0.0023,
  }),
]);

const version = {
  workflowId: 3,
  version: 2,
  name: 'Product pipeline',
  definition,
  createdAt: '2026-01-01T00:00:00Z',
};

function renderRun(session = undefined as typeof viewerSession | undefined) {
  return renderSignedIn(
    <Routes>
      <Route path="/workflows/runs/:runId" element={<WorkflowRunPage />} />
    </Routes>,
    { path: '/workflows/runs/7', ...(session ? { session } : {}) },
  );
}

describe('WorkflowRunPage', () => {
  it(
    'draws each step with its status, shows a failed step’s error and tasks, retries it and skips it',
    async () => {
      const user = userEvent.setup();
      const posted: { path: string; body: unknown }[] = [];
      let current = failed;
      stubApi({
        'GET /api/workflow-runs/7': () => Response.json(current),
        'GET /api/workflows/3/versions/2': () => Response.json(version),
        'POST /api/workflow-runs/7/steps/code/retry': () => {
          posted.push({ path: 'retry', body: null });
          current = run(
            [failed.steps[0]!, step('code', 'running', { attempt: 3, taskIds: [42, 43, 44] })],
            'running',
          );
          return Response.json(current);
        },
        'POST /api/workflow-runs/7/steps/code/skip': async (request) => {
          const body = (await request.json()) as { result: unknown };
          posted.push({ path: 'skip', body });
          if (JSON.stringify(body.result) === '{"code":"bad"}')
            return problem(400, {
              title: 'One or more validation errors occurred.',
              errors: { result: ["does not match the step's output schema: pattern"] },
            });
          current = run(
            [failed.steps[0]!, step('code', 'skipped', { result: body.result })],
            'completed',
          );
          return Response.json(current);
        },
      });
      const { queryClient } = renderRun();
      const graph = await screen.findByRole('group', { name: /research, then code/ });
      const research = within(graph).getByRole('button', { name: 'Step research: completed' });
      expect(research).toHaveAttribute('data-status', 'completed');
      const code = within(graph).getByRole('button', { name: 'Step code: failed' });
      expect(code).toHaveTextContent(/failed · attempt 2/);
      expect(screen.getByRole('status', { name: 'Run status: failed' })).toBeInTheDocument();
      expect(screen.getByRole('heading', { name: 'Run #7 of Product pipeline' })).toBeVisible();

      await user.click(code);
      expect(
        await screen.findByRole('heading', { name: 'Step code · Product code' }),
      ).toBeVisible();
      expect(screen.getByRole('note', { name: 'Step error' })).toHaveTextContent(
        'The output does not match the schema.',
      );
      const links = screen.getAllByRole('link', { name: /Task #4[23]/ });
      expect(links.map((a) => a.getAttribute('href'))).toContain('/tasks/43');
      expect(screen.getByRole('button', { name: 'Pause' })).toBeDisabled();

      await user.click(screen.getByRole('button', { name: 'Retry step' }));
      expect(
        await within(graph).findByRole('button', { name: 'Step code: running' }),
      ).toHaveTextContent(/attempt 3/);
      expect(screen.getByRole('button', { name: 'Retry step' })).toBeDisabled();
      expect(screen.getByRole('button', { name: 'Pause' })).toBeEnabled();

      const editor = screen.getByLabelText('Result to skip with (JSON)');
      await user.clear(editor);
      await user.type(editor, '{{ "code": ');
      await user.click(screen.getByRole('button', { name: 'Skip step' }));
      expect(await screen.findByText(/The result is not valid JSON/)).toBeInTheDocument();

      await user.clear(editor);
      await user.type(editor, '{{"code":"bad"}');
      await user.click(screen.getByRole('button', { name: 'Skip step' }));
      expect(await screen.findByText(/does not match the step's output schema/)).toBeVisible();

      await user.clear(editor);
      await user.type(editor, '{{"code":"ABC-1234"}');
      await user.click(screen.getByRole('button', { name: 'Skip step' }));
      expect(
        await within(graph).findByRole('button', { name: 'Step code: skipped' }),
      ).toBeInTheDocument();
      expect(screen.getByRole('status', { name: 'Run status: completed' })).toBeInTheDocument();
      expect(screen.getByLabelText('Step result')).toHaveTextContent('"code": "ABC-1234"');
      expect(posted).toEqual([
        { path: 'retry', body: null },
        { path: 'skip', body: { result: { code: 'bad' } } },
        { path: 'skip', body: { result: { code: 'ABC-1234' } } },
      ]);
      expect(queryClient.getQueryData(workflowRunKeys.detail(7))).toEqual(current);
    },
    SLOW,
  );

  it('shows a viewer the run with every control disabled', async () => {
    const user = userEvent.setup();
    stubApi({
      'GET /api/workflow-runs/7': () => Response.json(run(failed.steps, 'running')),
      'GET /api/workflows/3/versions/2': () => Response.json(version),
    });
    renderRun(viewerSession);
    const graph = await screen.findByRole('group', { name: /research, then code/ });
    await user.click(within(graph).getByRole('button', { name: 'Step code: failed' }));
    for (const name of ['Pause', 'Cancel run', 'Retry step', 'Skip step'])
      expect(screen.getByRole('button', { name })).toBeDisabled();
    expect(screen.getByLabelText('Result to skip with (JSON)')).toHaveAttribute('readonly');
    expect(
      screen.getAllByText('Only the CEO starts and steers workflow runs.').length,
    ).toBeGreaterThan(0);
  });
});
