import { createContext, useContext, useEffect, useRef } from 'react';
import type { LiveEvent } from '../services/events';

/**
 * connecting: first connection not open yet; live: events arrive; reconnecting: the connection
 * dropped and is coming back; catching-up: back, reading what was missed from the event log.
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'catching-up';
export type LiveListener = (events: LiveEvent[]) => void;

export interface LiveState {
  status: LiveStatus;
  /** When the last catch-up after a drop finished. */
  recoveredAt: number | undefined;
  subscribe: (listener: LiveListener) => () => void;
}

export const LiveContext = createContext<LiveState>({
  status: 'connecting',
  recoveredAt: undefined,
  subscribe: () => () => undefined,
});

export function useLive(): LiveState {
  return useContext(LiveContext);
}

/** Calls `listener` with every batch of new events (already de-duplicated and in order). */
export function useLiveEvents(listener: LiveListener): void {
  const { subscribe } = useLive();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => subscribe((events) => latest.current(events)), [subscribe]);
}
