import type { APIRequestContext, Page } from 'playwright-core';

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

/** Signs in through the login form as that member and waits for the signed-in frame. */
export async function signInAs(page: Page, member: Member, path = '/'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('E-mail').fill(member.email);
  await page.getByLabel('Password').fill(member.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
}
