import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the browser tests with scripts/test.d/dashboard-e2e.sh, which starts the stack.`,
    );
  }
  return value;
}

/** What the runner script tells the tests about the stack it started. */
export const e2e = {
  baseUrl: required('E2E_BASE_URL').replace(/\/$/, ''),
  email: required('E2E_EMAIL'),
  password: required('E2E_PASSWORD'),
  output: required('E2E_OUTPUT'),
  chromium: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
};

export function screenshotPath(name: string): string {
  const folder = join(e2e.output, 'screenshots');
  mkdirSync(folder, { recursive: true });
  return join(folder, `${name}.png`);
}
