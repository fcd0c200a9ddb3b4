import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Settler } from './settle';

describe('Settler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads a report once after a burst has settled', () => {
    const run = vi.fn();
    const settler = new Settler(run);
    for (let i = 0; i < 5; i++) {
      settler.request(['analytics'], 1000, 5000);
      vi.advanceTimersByTime(200);
    }
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(800);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledWith(['analytics']);
  });

  it('still reads it at least every max wait while events keep coming', () => {
    const run = vi.fn();
    const settler = new Settler(run);
    for (let i = 0; i < 60; i++) {
      settler.request(['analytics'], 1000, 5000);
      vi.advanceTimersByTime(250);
    }
    // 15 s of an event every 250 ms: read at 5 s, 10 s and 15 s, never waiting for a quiet second.
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('keeps keys apart, and reads nothing once disposed', () => {
    const run = vi.fn();
    const settler = new Settler(run);
    settler.request(['analytics', 'agent'], 1000, 5000);
    settler.request(['analytics', 'day'], 1000, 5000);
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(2);
    settler.request(['analytics', 'agent'], 1000, 5000);
    settler.dispose();
    vi.advanceTimersByTime(5000);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
