import { describe, expect, it, vi } from 'vitest';
import type { EventPage, LiveEvent } from '../services/events';
import { EventCursor } from './EventCursor';

function event(position: number): LiveEvent {
  return {
    position,
    stream: 'task:1',
    type: 'task.started',
    payload: {},
    actor: null,
    at: '2026-01-01T00:00:00Z',
  };
}

function positions(deliver: ReturnType<typeof vi.fn>): number[] {
  return deliver.mock.calls.flatMap(([events]) => (events as LiveEvent[]).map((e) => e.position));
}

describe('EventCursor', () => {
  it('hands on each position once, in order', () => {
    const deliver = vi.fn();
    const cursor = new EventCursor(deliver);
    cursor.receive(event(1));
    cursor.receive(event(2));
    cursor.receive(event(2)); // the same event through the company group and a stream group
    cursor.receive(event(1));
    cursor.receive(event(3));
    expect(positions(deliver)).toEqual([1, 2, 3]);
    expect(cursor.position).toBe(3);
  });

  it('catches up from the log after the last position, page by page', async () => {
    const deliver = vi.fn();
    const cursor = new EventCursor(deliver);
    cursor.receive(event(10));
    const pages: Record<number, EventPage> = {
      10: { events: [event(11), event(12)], next: 12 },
      12: { events: [event(13)], next: 13 },
      13: { events: [], next: 13 },
    };
    const read = vi.fn((after: number) =>
      Promise.resolve(pages[after] ?? { events: [], next: after }),
    );

    await expect(cursor.catchUp(read)).resolves.toEqual({ kind: 'caught-up', events: 3 });
    expect(read.mock.calls.map(([after]) => after)).toEqual([10, 12, 13]);
    expect(positions(deliver)).toEqual([10, 11, 12, 13]);
  });

  it('holds live events while catching up and releases them after the log, without repeats', async () => {
    const deliver = vi.fn();
    const cursor = new EventCursor(deliver);
    cursor.receive(event(1));
    let release: (page: EventPage) => void = () => undefined;
    const read = vi
      .fn<(after: number) => Promise<EventPage>>()
      .mockImplementationOnce(() => new Promise((resolve) => (release = resolve)))
      .mockResolvedValue({ events: [], next: 3 });

    const done = cursor.catchUp(read);
    cursor.receive(event(3)); // arrives live before the log has given 2 and 3
    cursor.receive(event(4));
    expect(positions(deliver)).toEqual([1]);
    release({ events: [event(2), event(3)], next: 3 });
    await done;

    expect(positions(deliver)).toEqual([1, 2, 3, 4]);
  });

  it('asks for a full refresh when it has no position to catch up from', async () => {
    const cursor = new EventCursor(vi.fn());
    const read = vi.fn();
    await expect(cursor.catchUp(read)).resolves.toEqual({ kind: 'reset' });
    expect(read).not.toHaveBeenCalled();
  });

  it('asks for a full refresh when too much was missed', async () => {
    const cursor = new EventCursor(vi.fn(), { maxCatchUpPages: 2 });
    cursor.receive(event(1));
    let next = 1;
    const read = vi.fn(() => {
      next += 1;
      return Promise.resolve({ events: [event(next)], next });
    });
    await expect(cursor.catchUp(read)).resolves.toEqual({ kind: 'reset' });
    expect(read).toHaveBeenCalledTimes(2);
  });
});
