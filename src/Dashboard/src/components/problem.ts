import { ApiError } from '../services/http';

/** An error told in words: what happened, why, and what the person can do. */
export interface ProblemText {
  title: string;
  detail?: string;
  /** One line per refused field: "New password: at least 10 characters." */
  fields: string[];
  hint?: string;
}

/** "newPassword" → "New password", "limits.maxCost" → "Limits max cost". */
export function fieldLabel(field: string): string {
  const words = field
    .replace(/^profile\./, '')
    .replace(/\[\d+\]/g, '')
    .replace(/[._]/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "firstName" + "is required" → "First name is required."; a sentence keeps its own start. */
function fieldMessage(field: string, message: string): string {
  if (!field) return message;
  const label = fieldLabel(field);
  const sentence = /^[a-z]/.test(message) ? `${label} ${message}` : `${label}: ${message}`;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export function describeProblem(error: unknown): ProblemText {
  if (!(error instanceof ApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { title: 'Something went wrong', detail: message || undefined, fields: [] };
  }
  const fields = Object.entries(error.errors).flatMap(([field, messages]) =>
    messages.map((message) => fieldMessage(field, message)),
  );
  switch (true) {
    case error.status === 0:
      return {
        title: 'Cannot reach fluidManager',
        detail: 'The server did not answer. Check your connection; nothing was changed.',
        fields,
      };
    case error.status === 401 && error.code !== 'auth.invalid_credentials':
      return { title: 'Your session has ended', detail: 'Sign in again to continue.', fields };
    case error.status === 403 && error.rule !== undefined:
      return {
        title: error.title,
        detail: error.detail,
        fields,
        hint: `Refused by the rule “${error.rule}”.`,
      };
    case error.status === 403:
      return {
        title: 'You do not have access to this',
        detail: error.detail ?? 'Your role in this company does not allow it.',
        fields,
      };
    case error.status === 429:
      return {
        title: error.title,
        detail: error.detail,
        fields,
        hint:
          error.retryAfter !== undefined
            ? `Try again in ${plural(error.retryAfter, 'second')}.`
            : undefined,
      };
    case error.status >= 500:
      return {
        title: 'The server ran into a problem',
        detail: error.detail ?? 'Nothing you did caused this. Try again in a moment.',
        fields,
      };
    case fields.length > 0:
      // The detail of a validation problem repeats its fields: the list says it better.
      return { title: 'Some details need a change', fields };
    default:
      return { title: error.title, detail: error.detail, fields };
  }
}

function normalField(field: string): string {
  return field
    .replace(/^(profile|request|body)\./i, '')
    .replace(/\[\d+\]/g, '')
    .toLowerCase();
}

/**
 * The Api's messages about one field of a refused request, in words ("must be between 0 and 1,000,000."),
 * for showing beside that field. Matches the field name without case and without a "profile." prefix.
 */
export function fieldErrors(error: unknown, field: string): string[] {
  if (!(error instanceof ApiError)) return [];
  const wanted = normalField(field);
  return Object.entries(error.errors)
    .filter(([name]) => normalField(name) === wanted)
    .flatMap(([, messages]) => messages.map((m) => sentence(m)));
}

/** The refused fields of an error that no control on the form shows (these stay in the alert). */
export function otherFieldErrors(error: unknown, shown: readonly string[]): string[] {
  if (!(error instanceof ApiError)) return [];
  const known = new Set(shown.map(normalField));
  return Object.entries(error.errors)
    .filter(([name]) => !known.has(normalField(name)))
    .flatMap(([name, messages]) => messages.map((m) => fieldMessage(name, m)));
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
