import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { SessionContext } from '../app/session';
import { ToastProvider } from '../components/Toasts';
import type { Session } from '../services/session';

export const testSession: Session = {
  user: { id: 1, email: 'owner@fluid.local', displayName: 'Olivia Owner' },
  company: { id: 1, name: 'Acme', slug: 'acme', role: 'ceo' },
  role: 'ceo',
  companies: [{ id: 1, name: 'Acme', slug: 'acme', role: 'ceo' }],
  authentication: 'cookie',
};

/** The same member of Acme as a viewer: every command is refused. */
export const viewerSession: Session = {
  ...testSession,
  company: { ...testSession.company, role: 'viewer' },
  role: 'viewer',
};

/** Renders a page as the signed-in CEO of Acme (or `session`), with a fresh query cache and no retries. */
export function renderSignedIn(
  ui: ReactElement,
  { path = '/', session = testSession }: { path?: string; session?: Session } = {},
) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <MemoryRouter initialEntries={[path]}>
          <SessionContext.Provider value={session}>{ui}</SessionContext.Provider>
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}

export function problem(status: number, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify({ status, ...body }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  });
}

type Handler = (request: Request) => Response | Promise<Response>;

/** Stubs fetch with a small router: "METHOD /path" → handler; anything else fails the test. */
export function stubApi(routes: Record<string, Handler>) {
  const calls: Request[] = [];
  const fetchMock = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request =
      input instanceof Request ? input : new Request(new URL(String(input), location.origin), init);
    calls.push(request.clone());
    const url = new URL(request.url);
    const handler = routes[`${request.method} ${url.pathname}`];
    if (!handler) throw new Error(`Unexpected request ${request.method} ${url.pathname}`);
    return handler(request);
  };
  globalThis.fetch = fetchMock;
  return calls;
}
