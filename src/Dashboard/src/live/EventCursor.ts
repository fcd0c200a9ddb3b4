import type { EventPage, LiveEvent } from '../services/events';

export type ReadPage = (after: number) => Promise<EventPage>;

export type CatchUpResult =
  /** Every missed event was read from the log and handed on. */
  | { kind: 'caught-up'; events: number }
  /** No known position, or too much was missed: the caller should refetch everything instead. */
  | { kind: 'reset' };

/**
 * Where a client stands in its company's event log. Live events and events read back from the
 * log pass through here: each position is handed on once, in order. While catching up after a
 * reconnect, live events are held back and released after the log, so none is skipped.
 */
export class EventCursor {
  private last: number | undefined;
  private holding = false;
  private held: LiveEvent[] = [];
  private readonly deliver: (events: LiveEvent[]) => void;
  private readonly maxCatchUpPages: number;

  constructor(deliver: (events: LiveEvent[]) => void, options: { maxCatchUpPages?: number } = {}) {
    this.deliver = deliver;
    this.maxCatchUpPages = options.maxCatchUpPages ?? 10;
  }

  /** The last position handed on, if any. */
  get position(): number | undefined {
    return this.last;
  }

  /** A live event from the hub. */
  receive(event: LiveEvent): void {
    if (this.holding) {
      this.held.push(event);
      return;
    }
    this.accept([event]);
  }

  /** Reads the log from the last position on, then releases the live events held meanwhile. */
  async catchUp(read: ReadPage): Promise<CatchUpResult> {
    this.holding = true;
    try {
      if (this.last === undefined) return { kind: 'reset' };
      let count = 0;
      for (let page = 0; page < this.maxCatchUpPages; page++) {
        const { events } = await read(this.last);
        if (events.length === 0) return { kind: 'caught-up', events: count };
        count += this.accept(events);
      }
      return { kind: 'reset' };
    } finally {
      this.holding = false;
      const held = this.held;
      this.held = [];
      this.accept(held);
    }
  }

  /** Starts counting from a position (after a reset, from the newest event seen). */
  moveTo(position: number): void {
    if (this.last === undefined || position > this.last) this.last = position;
  }

  private accept(events: readonly LiveEvent[]): number {
    const fresh: LiveEvent[] = [];
    for (const event of [...events].sort((a, b) => a.position - b.position)) {
      if (this.last !== undefined && event.position <= this.last) continue;
      this.last = event.position;
      fresh.push(event);
    }
    if (fresh.length > 0) this.deliver(fresh);
    return fresh.length;
  }
}
