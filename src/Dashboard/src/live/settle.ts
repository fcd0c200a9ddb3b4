import type { QueryKey } from '@tanstack/react-query';

/**
 * A trailing debounce per query key, for reports that aggregate many rows (the analytics): a burst
 * of events reads the report again once, `settleMs` after the burst's last event, and a steady
 * stream of events still reads it at least every `maxWaitMs`, so the report is never starved by
 * refetches cancelled one after the other.
 */
export class Settler {
  private readonly pending = new Map<
    string,
    { timer: ReturnType<typeof setTimeout>; since: number }
  >();
  private readonly run: (queryKey: QueryKey) => void;
  private readonly now: () => number;

  constructor(run: (queryKey: QueryKey) => void, now: () => number = Date.now) {
    this.run = run;
    this.now = now;
  }

  request(queryKey: QueryKey, settleMs: number, maxWaitMs: number): void {
    const key = JSON.stringify(queryKey);
    const waiting = this.pending.get(key);
    if (waiting) clearTimeout(waiting.timer);
    const since = waiting?.since ?? this.now();
    const delay = Math.max(0, Math.min(settleMs, since + maxWaitMs - this.now()));
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.run(queryKey);
    }, delay);
    this.pending.set(key, { timer, since });
  }

  dispose(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
