import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../services/http';
import { describeProblem, fieldLabel } from './problem';
import { ProblemAlert } from './ProblemAlert';

describe('fieldLabel', () => {
  it.each([
    ['name', 'Name'],
    ['newPassword', 'New password'],
    ['profile.firstName', 'First name'],
    ['limits.webDomains[0]', 'Limits web domains'],
  ])('reads %s as %s', (field, label) => {
    expect(fieldLabel(field)).toBe(label);
  });
});

describe('describeProblem', () => {
  it('tells a network failure in words', () => {
    const text = describeProblem(
      new ApiError({ status: 0, title: 'Network error', detail: 'Failed to fetch' }),
    );
    expect(text.title).toBe('Cannot reach fluidManager');
    expect(text.detail).toMatch(/nothing was changed/);
  });

  it('names the rule that refused a command', () => {
    const text = describeProblem(
      new ApiError({
        status: 403,
        title: 'A rule forbids this.',
        detail: 'Sales may not manage Engineering.',
        rule: 'sales-never-above-engineering',
      }),
    );
    expect(text).toMatchObject({
      title: 'A rule forbids this.',
      detail: 'Sales may not manage Engineering.',
      hint: 'Refused by the rule “sales-never-above-engineering”.',
    });
  });

  it('says when to try again after too many attempts', () => {
    const text = describeProblem(
      new ApiError({ status: 429, title: 'Too many sign-in attempts.', retryAfter: 1 }),
    );
    expect(text.hint).toBe('Try again in 1 second.');
  });

  it('keeps the wrong-password message of a refused sign-in', () => {
    const text = describeProblem(
      new ApiError({
        status: 401,
        title: 'Sign-in failed.',
        detail: 'The e-mail address or the password is wrong.',
        code: 'auth.invalid_credentials',
      }),
    );
    expect(text.detail).toBe('The e-mail address or the password is wrong.');
  });

  it('describes a plain exception too', () => {
    expect(describeProblem(new Error('boom'))).toMatchObject({
      title: 'Something went wrong',
      detail: 'boom',
    });
  });
});

describe('ProblemAlert', () => {
  it('lists each refused field by name instead of repeating the detail', () => {
    render(
      <ProblemAlert
        error={
          new ApiError({
            status: 400,
            title: 'The request is invalid.',
            detail: 'One or more fields are invalid: newPassword: too short',
            errors: { newPassword: ['At least 10 characters.'], currentPassword: ['Required.'] },
          })
        }
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Some details need a change');
    expect(screen.getByText('New password: At least 10 characters.')).toBeInTheDocument();
    expect(screen.getByText('Current password: Required.')).toBeInTheDocument();
    expect(alert).not.toHaveTextContent('One or more fields are invalid');
  });

  it('reads a short field message as a sentence', () => {
    render(
      <ProblemAlert
        error={
          new ApiError({
            status: 400,
            title: 'The request is invalid.',
            errors: { 'profile.firstName': ['is required'] },
          })
        }
      />,
    );
    expect(screen.getByText('First name is required.')).toBeInTheDocument();
  });

  it('shows the title and detail of a conflict', () => {
    render(
      <ProblemAlert
        error={
          new ApiError({
            status: 409,
            title: 'The current state does not allow this.',
            detail: 'The task is done.',
          })
        }
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('The current state does not allow this.');
    expect(screen.getByText('The task is done.')).toBeInTheDocument();
  });
});
