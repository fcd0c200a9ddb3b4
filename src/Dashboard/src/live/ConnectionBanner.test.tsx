import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConnectionBanner } from './ConnectionBanner';
import { LiveContext, type LiveStatus } from './liveContext';

function renderWith(status: LiveStatus, recoveredAt?: number) {
  return render(
    <LiveContext.Provider value={{ status, recoveredAt, subscribe: () => () => undefined }}>
      <ConnectionBanner />
    </LiveContext.Provider>,
  );
}

describe('ConnectionBanner', () => {
  it('says nothing while live', () => {
    renderWith('live');
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
  });

  it('says it is reconnecting when the connection dropped', () => {
    renderWith('reconnecting');
    expect(screen.getByRole('status')).toHaveTextContent('Reconnecting…');
  });

  it('says it is catching up, then that it is up to date', () => {
    const { rerender } = renderWith('catching-up');
    expect(screen.getByRole('status')).toHaveTextContent('Back online, catching up…');
    rerender(
      <LiveContext.Provider
        value={{ status: 'live', recoveredAt: 1, subscribe: () => () => undefined }}
      >
        <ConnectionBanner />
      </LiveContext.Provider>,
    );
    expect(screen.getByRole('status')).toHaveTextContent('Back online. Everything is up to date.');
  });
});
