import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { problem, renderSignedIn, stubApi, viewerSession } from '../../test/render';
import { ONLY_CEO_TRIGGERS, WorkflowTriggers } from './WorkflowTriggers';

configure({ asyncUtilTimeout: 5000 });
const SLOW = 30_000;

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const trigger = (id: number, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  workflowId: 3,
  kind: 'webhook',
  name,
  enabled: true,
  replayWindowSeconds: 300,
  path: `/api/hooks/${id}`,
  createdBy: 'user:1',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...extra,
});

describe('WorkflowTriggers', () => {
  it(
    'creates a webhook trigger, names the field the server refuses, and shows the address and secret once',
    async () => {
      const user = userEvent.setup();
      const list: ReturnType<typeof trigger>[] = [];
      const sent: unknown[] = [];
      stubApi({
        'GET /api/workflows/3/triggers': () => Response.json(list),
        'POST /api/workflows/3/triggers': async (request) => {
          const body = (await request.json()) as { name: string; secret: string | null };
          sent.push(body);
          if (body.secret !== null && body.secret.length < 16)
            return problem(400, {
              title: 'One or more validation errors occurred.',
              errors: {
                secret: ['must be at least 16 characters (or omit it to have one generated)'],
              },
            });
          list.push(trigger(42, body.name));
          return Response.json(
            { trigger: trigger(42, body.name), secret: 'a1b2c3d4e5f6a7b8c9d0' },
            { status: 201 },
          );
        },
        'GET /api/triggers/42/firings': () => Response.json([]),
      });
      renderSignedIn(<WorkflowTriggers workflowId={3} />);
      expect(await screen.findByText('No trigger yet.')).toBeInTheDocument();

      await user.click(screen.getByRole('button', { name: 'New webhook trigger' }));
      const dialog = await screen.findByRole('dialog', { name: 'New webhook trigger' });
      await user.type(within(dialog).getByLabelText('Name'), 'Orders');
      await user.type(within(dialog).getByLabelText(/^Secret \(empty/), 'short');
      await user.click(within(dialog).getByRole('button', { name: 'Create trigger' }));
      expect(await within(dialog).findByTestId('field-error')).toHaveTextContent(
        'Must be at least 16 characters (or omit it to have one generated).',
      );

      await user.clear(within(dialog).getByLabelText(/^Secret \(empty/));
      await user.click(within(dialog).getByRole('button', { name: 'Create trigger' }));
      const once = await screen.findByRole('dialog', { name: 'Copy the trigger’s secret' });
      expect(within(once).getByTestId('new-trigger-secret')).toHaveTextContent(
        'a1b2c3d4e5f6a7b8c9d0',
      );
      expect(within(once).getByTestId('new-trigger-url')).toHaveTextContent(
        `${location.origin}/api/hooks/42`,
      );
      expect(sent[1]).toEqual({
        name: 'Orders',
        secret: null,
        enabled: true,
        replayWindowSeconds: 300,
      });

      await user.click(within(once).getByRole('button', { name: 'I have stored it' }));
      const item = await screen.findByRole('listitem', { name: 'Trigger Orders' });
      expect(within(item).getByTestId('trigger-url')).toHaveTextContent('/api/hooks/42');
      // Once stored, the secret is nowhere on the page.
      expect(screen.queryByText('a1b2c3d4e5f6a7b8c9d0')).not.toBeInTheDocument();
      expect(await within(item).findByText('Not fired yet.')).toBeInTheDocument();
    },
    SLOW,
  );

  it(
    'lists each firing with the run it started or the error, and shows a kind it does not create read-only',
    async () => {
      stubApi({
        'GET /api/workflows/3/triggers': () =>
          Response.json([
            trigger(7, 'Orders'),
            trigger(8, 'On escalation', {
              kind: 'event',
              path: '',
              eventType: 'task.escalated',
              condition: { department: 'Sales' },
            }),
          ]),
        'GET /api/triggers/7/firings': () =>
          Response.json([
            {
              id: 2,
              triggerId: 7,
              deliveryId: 'order-2',
              outcome: 'rejected',
              runId: null,
              error: 'inputs.topic: is required',
              createdAt: '2026-01-01T00:02:00Z',
            },
            {
              id: 1,
              triggerId: 7,
              deliveryId: 'order-1',
              outcome: 'started',
              runId: 55,
              error: null,
              createdAt: '2026-01-01T00:01:00Z',
            },
          ]),
        'GET /api/triggers/8/firings': () => Response.json([]),
      });
      renderSignedIn(<WorkflowTriggers workflowId={3} />);
      const orders = await screen.findByRole('listitem', { name: 'Trigger Orders' });
      const firings = await within(orders).findByRole('table', { name: 'Firings' });
      const rows = within(firings).getAllByRole('row').slice(1);
      expect(rows[0]).toHaveTextContent('order-2');
      expect(rows[0]).toHaveTextContent('rejected');
      expect(rows[0]).toHaveTextContent('inputs.topic: is required');
      expect(within(rows[1]!).getByRole('link', { name: 'Run #55' })).toHaveAttribute(
        'href',
        '/workflows/runs/55',
      );

      const event = screen.getByRole('listitem', { name: 'Trigger On escalation' });
      expect(within(event).getByText('event')).toBeInTheDocument();
      expect(within(event).getByText('eventType')).toBeInTheDocument();
      expect(within(event).getByText('task.escalated')).toBeInTheDocument();
      expect(within(event).getByText('{"department":"Sales"}')).toBeInTheDocument();
      // No address and no secret for a kind that is not a webhook.
      expect(within(event).queryByTestId('trigger-url')).not.toBeInTheDocument();
      expect(within(event).queryByRole('button', { name: 'New secret' })).not.toBeInTheDocument();
    },
    SLOW,
  );

  it(
    'switches a trigger off by sending its fields back, and holds the old state when refused',
    async () => {
      const user = userEvent.setup();
      const puts: unknown[] = [];
      stubApi({
        'GET /api/workflows/3/triggers': () =>
          Response.json([
            trigger(8, 'On escalation', { kind: 'event', eventType: 'task.escalated' }),
          ]),
        'GET /api/triggers/8/firings': () => Response.json([]),
        'PUT /api/triggers/8': async (request) => {
          puts.push(await request.json());
          return problem(409, { title: 'The trigger changed', detail: 'Reload and try again.' });
        },
      });
      renderSignedIn(<WorkflowTriggers workflowId={3} />);
      const item = await screen.findByRole('listitem', { name: 'Trigger On escalation' });
      const enabled = within(item).getByRole('checkbox', { name: 'Enabled' });
      await user.click(enabled);
      expect(await within(item).findByText('The trigger changed')).toBeInTheDocument();
      expect(puts).toEqual([
        {
          eventType: 'task.escalated',
          name: 'On escalation',
          enabled: false,
          replayWindowSeconds: 300,
          secret: null,
        },
      ]);
      expect(enabled).toBeChecked();
    },
    SLOW,
  );

  it('shows a viewer every control disabled, with the reason', async () => {
    stubApi({
      'GET /api/workflows/3/triggers': () => Response.json([trigger(7, 'Orders')]),
      'GET /api/triggers/7/firings': () => Response.json([]),
    });
    renderSignedIn(<WorkflowTriggers workflowId={3} reason={ONLY_CEO_TRIGGERS} />, {
      session: viewerSession,
    });
    const item = await screen.findByRole('listitem', { name: 'Trigger Orders' });
    expect(screen.getByRole('button', { name: 'New webhook trigger' })).toBeDisabled();
    expect(within(item).getByRole('checkbox', { name: 'Enabled' })).toBeDisabled();
    expect(within(item).getByRole('button', { name: 'New secret' })).toBeDisabled();
    expect(within(item).getByRole('button', { name: 'Delete' })).toBeDisabled();
    expect(screen.getAllByRole('tooltip', { hidden: true })[0]).toHaveTextContent(
      ONLY_CEO_TRIGGERS,
    );
  });
});
