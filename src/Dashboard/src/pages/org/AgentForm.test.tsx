import { configure, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../services/http';
import type { AgentProfileRequest } from '../../services/agents';
import { renderSignedIn, stubApi } from '../../test/render';
import { AgentForm, emptyProfile } from './AgentForm';

configure({ asyncUtilTimeout: 5000 });
const SLOW = 30_000;

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const profile: AgentProfileRequest = {
  ...emptyProfile(),
  firstName: 'Ada',
  lastName: 'Lovelace',
  role: 'Developer',
  department: 'Engineering',
  limits: {
    maxConcurrentTasks: 2,
    attemptTimeoutSeconds: null,
    webDomains: [],
    sqlSources: ['crm'],
  },
};

function renderForm(error: unknown, onSubmit = vi.fn()) {
  stubApi({
    'GET /api/company-policy': () =>
      Response.json({ allowedModels: [], serverAllowedModels: ['*'], flaggedAgents: [] }),
  });
  renderSignedIn(
    <AgentForm
      initial={profile}
      agents={[]}
      submitLabel="Save changes"
      pending={false}
      error={error}
      onSubmit={onSubmit}
      onCancel={() => undefined}
    />,
  );
  return onSubmit;
}

describe('AgentForm: work at once', () => {
  it(
    'sends the tasks it may run at once and its attempt time limit with its other limits',
    async () => {
      const user = userEvent.setup();
      const onSubmit = renderForm(null);
      const concurrency = screen.getByLabelText('Tasks at once');
      expect(concurrency).toHaveValue('2');
      await user.clear(concurrency);
      await user.type(concurrency, '4');
      await user.type(screen.getByLabelText('Attempt time limit (seconds)'), '900');
      await user.click(screen.getByRole('button', { name: 'Save changes' }));
      expect(onSubmit).toHaveBeenCalledTimes(1);
      const sent = onSubmit.mock.calls[0]![0] as AgentProfileRequest;
      expect(sent.limits).toMatchObject({
        maxConcurrentTasks: 4,
        attemptTimeoutSeconds: 900,
        sqlSources: ['crm'],
      });
    },
    SLOW,
  );

  it(
    'refuses a value that is not a whole number before sending, and empties back to the default',
    async () => {
      const user = userEvent.setup();
      const onSubmit = renderForm(null);
      const concurrency = screen.getByLabelText('Tasks at once');
      await user.clear(concurrency);
      await user.type(concurrency, '2.5');
      await user.click(screen.getByRole('button', { name: 'Save changes' }));
      expect(await screen.findByText('Enter a whole number (empty: 1).')).toBeInTheDocument();
      expect(onSubmit).not.toHaveBeenCalled();

      await user.clear(screen.getByLabelText(/^Tasks at once/));
      await user.click(screen.getByRole('button', { name: 'Save changes' }));
      const sent = onSubmit.mock.calls[0]![0] as AgentProfileRequest;
      expect(sent.limits?.maxConcurrentTasks).toBe(1);
      expect(sent.limits?.attemptTimeoutSeconds).toBeNull();
    },
    SLOW,
  );

  it('shows the Api’s refusal beside the field it names', () => {
    renderForm(
      new ApiError({
        status: 400,
        title: 'One or more validation errors occurred.',
        errors: {
          'profile.limits.maxConcurrentTasks': ['must be between 1 and 100'],
          'profile.limits.attemptTimeoutSeconds': ['must be between 1 and 604800 (7 days)'],
        },
      }),
    );
    const errors = screen.getAllByTestId('field-error').map((e) => e.textContent);
    expect(errors).toEqual([
      'Must be between 1 and 100.',
      'Must be between 1 and 604800 (7 days).',
    ]);
    expect(screen.getByLabelText(/^Tasks at once/)).toHaveAttribute('aria-invalid', 'true');
  });
});
