import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { e2e } from './support/env';

describe('the Api contract', () => {
  it('is the one the dashboard’s types were generated from (openapi.json)', async () => {
    const response = await fetch(`${e2e.baseUrl}/openapi/v1.json`);
    expect(response.ok).toBe(true);
    const live = (await response.json()) as Record<string, unknown>;
    const snapshot = JSON.parse(
      await readFile(new URL('../openapi.json', import.meta.url), 'utf8'),
    ) as unknown;
    // On a difference: npm run api:snapshot -- <Api address>, then fix what no longer type-checks.
    expect(live).toEqual(snapshot);
  });
});
