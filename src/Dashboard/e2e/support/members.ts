import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { newContext, signIn, signInAs } from './browser';

export interface SignedIn {
  context: BrowserContext;
  page: Page;
}

/** A new context signed in as the demo company's CEO, on `path`. */
export async function ceoPage(browser: Browser, path: string): Promise<SignedIn> {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, path);
  return { context, page };
}

/**
 * A new member with the viewer role, added by the CEO through the Api, and a context signed in as that
 * member on `path`: what a viewer sees, and what the Api answers a viewer.
 */
export async function viewerPage(
  browser: Browser,
  ceo: Page,
  path: string,
): Promise<SignedIn & { email: string }> {
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const email = `viewer-${stamp}@e2e.test`;
  const password = `viewer-pass-${stamp}`;
  const added = await ceo.request.post('/api/users', {
    data: { email, displayName: `Viewer ${stamp}`, password, role: 'viewer' },
  });
  if (!added.ok()) {
    throw new Error(`adding a viewer answered ${added.status()}: ${await added.text()}`);
  }
  const context = await newContext(browser);
  const page = await context.newPage();
  await signInAs(page, email, password, path);
  return { context, page, email };
}

export interface Member {
  email: string;
  password: string;
}

/** Adds a member of the given role to the signed-in company, with a password of its own. */
export async function addMember(
  request: APIRequestContext,
  role: 'viewer' | 'admin',
): Promise<Member> {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const member: Member = {
    email: `${role}-${suffix}@fluid.local`,
    password: `${role}-password-${suffix}`,
  };
  const response = await request.post('/api/users', {
    data: { email: member.email, displayName: `A ${role}`, password: member.password, role },
  });
  if (!response.ok())
    throw new Error(`adding a ${role} answered ${response.status()}: ${await response.text()}`);
  return member;
}
