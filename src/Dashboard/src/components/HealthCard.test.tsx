import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { HealthCard } from './HealthCard';

function healthResponse(status: 'Healthy' | 'Unhealthy', description: string, httpStatus: number) {
  return Response.json(
    { status, checks: [{ name: 'database', status, description }] },
    { status: httpStatus },
  );
}

function stubFetch(...responses: (Response | Error)[]) {
  const fetchMock = vi.fn<typeof fetch>();
  for (const response of responses) {
    fetchMock.mockImplementationOnce(() =>
      response instanceof Error ? Promise.reject(response) : Promise.resolve(response),
    );
  }
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('HealthCard', () => {
  it('shows a loading state, then the healthy report', async () => {
    const fetchMock = stubFetch(healthResponse('Healthy', 'Database reachable.', 200));

    render(<HealthCard />);

    expect(screen.getByText('Checking service health…')).toBeInTheDocument();
    expect(await screen.findByText('Database reachable.')).toBeInTheDocument();
    const status = screen.getByRole('status');
    expect(within(status).getByText(/Overall/)).toHaveTextContent('Overall: Healthy');
    expect(within(status).getByText('database')).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith('/health/ready', expect.anything());
  });

  it('shows the unhealthy report carried by a 503', async () => {
    stubFetch(healthResponse('Unhealthy', 'Cannot open the database.', 503));

    render(<HealthCard />);

    expect(await screen.findByText('Cannot open the database.')).toBeInTheDocument();
    expect(screen.getByText(/Overall/)).toHaveTextContent('Overall: Unhealthy');
  });

  it('shows an error when the Api cannot be reached', async () => {
    stubFetch(new TypeError('Failed to fetch'));

    render(<HealthCard />);

    expect(await screen.findByText('Could not reach the Api')).toBeInTheDocument();
    expect(screen.getByText('Failed to fetch')).toBeInTheDocument();
  });

  it('shows an error for a 503 without a health report', async () => {
    stubFetch(
      new Response('Service Unavailable', { status: 503, statusText: 'Service Unavailable' }),
    );

    render(<HealthCard />);

    expect(await screen.findByText(/HTTP 503/)).toBeInTheDocument();
  });

  it('checks again when Refresh is pressed', async () => {
    const user = userEvent.setup();
    const fetchMock = stubFetch(
      new TypeError('Failed to fetch'),
      healthResponse('Healthy', 'Database reachable.', 200),
    );
    render(<HealthCard />);
    await screen.findByText('Could not reach the Api');

    await user.click(screen.getByRole('button', { name: 'Refresh' }));

    expect(await screen.findByText('Database reachable.')).toBeInTheDocument();
    expect(screen.queryByText('Could not reach the Api')).not.toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });
});
