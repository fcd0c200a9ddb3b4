import {
  HttpError,
  HubConnectionBuilder,
  LogLevel,
  type HubConnection,
  type IRetryPolicy,
} from '@microsoft/signalr';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { readEvents, type LiveEvent } from '../services/events';
import { sessionQueryKey } from '../services/session';
import { cacheActionsForAll, REPORT_MAX_WAIT_MS, REPORT_SETTLE_MS } from './cacheActions';
import { EventCursor } from './EventCursor';
import { LiveContext, type LiveListener, type LiveStatus } from './liveContext';
import { Refresher } from './refresh';
import { Settler } from './settle';

export const HUB_PATH = '/hubs/events';
/** Events are applied in small batches, so a burst refetches each list once. */
const FLUSH_MS = 60;
const RETRY_DELAYS_MS = [0, 1000, 2000, 4000, 8000, 10000];

/** Never gives up: a dashboard left open overnight comes back when the network does. */
const retryForever: IRetryPolicy = {
  nextRetryDelayInMilliseconds: ({ previousRetryCount }) =>
    RETRY_DELAYS_MS[Math.min(previousRetryCount, RETRY_DELAYS_MS.length - 1)] ?? 10000,
};

function isCompanyQuery(key: readonly unknown[]): boolean {
  return key[0] !== sessionQueryKey[0];
}

function refetchEverything(refresher: Refresher): Promise<void> {
  return refresher.invalidate({ predicate: (q) => isCompanyQuery(q.queryKey) });
}

/**
 * One SignalR connection per tab, for the signed-in company. Every event invalidates the queries
 * it concerns; after a drop the connection comes back by itself and the cursor catches up from
 * the event log (GET /api/events?after=last), so no committed event is missed. Invalidations never
 * cancel a fetch on its way (see `Refresher`), so a steady stream of events cannot starve a list.
 */
export function LiveProvider({ companyId, children }: { companyId: number; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [recoveredAt, setRecoveredAt] = useState<number | undefined>();
  const listeners = useRef(new Set<LiveListener>());

  useEffect(() => {
    let disposed = false;
    let pending: LiveEvent[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let startTimer: ReturnType<typeof setTimeout> | undefined;
    let everConnected = false;
    let attempts = 0;
    const refresher = new Refresher(queryClient);
    const reports = new Settler((queryKey) => void refresher.invalidate({ queryKey }));

    const flush = () => {
      flushTimer = undefined;
      const events = pending;
      pending = [];
      for (const action of cacheActionsForAll(events)) {
        if (action.kind === 'remove') queryClient.removeQueries({ queryKey: action.queryKey });
        else if (action.settle)
          reports.request(action.queryKey, REPORT_SETTLE_MS, REPORT_MAX_WAIT_MS);
        else void refresher.invalidate({ queryKey: action.queryKey });
      }
    };

    const cursor = new EventCursor((events) => {
      listeners.current.forEach((listener) => listener(events));
      pending.push(...events);
      flushTimer ??= setTimeout(flush, FLUSH_MS);
    });

    const connection: HubConnection = new HubConnectionBuilder()
      .withUrl(HUB_PATH)
      .withAutomaticReconnect(retryForever)
      .configureLogging(LogLevel.None)
      .build();

    connection.on('event', (event: LiveEvent) => cursor.receive(event));

    const recover = async () => {
      setStatus('catching-up');
      try {
        const result = await cursor.catchUp((after) => readEvents(after));
        if (result.kind === 'reset') await refetchEverything(refresher);
      } catch {
        await refetchEverything(refresher);
      }
      if (disposed) return;
      setStatus('live');
      setRecoveredAt(Date.now());
    };

    const start = async () => {
      startTimer = undefined;
      try {
        await connection.start();
      } catch (error) {
        if (disposed) return;
        if (error instanceof HttpError && (error.statusCode === 401 || error.statusCode === 403)) {
          // The session ended: asking again sends the tab to the sign-in page.
          void refresher.invalidate({ queryKey: sessionQueryKey });
        }
        setStatus(everConnected ? 'reconnecting' : 'connecting');
        const delay = RETRY_DELAYS_MS[Math.min(++attempts, RETRY_DELAYS_MS.length - 1)] ?? 10000;
        startTimer = setTimeout(() => void start(), delay);
        return;
      }
      if (disposed) return;
      attempts = 0;
      if (everConnected) {
        await recover();
        return;
      }
      everConnected = true;
      setStatus('live');
      // What was read before the connection opened may have missed an event: read it again (a
      // fetch on its way is read once more when it ends, its answer may predate the connection).
      const connectedAt = Date.now();
      void refresher.invalidate({
        predicate: (q) =>
          isCompanyQuery(q.queryKey) &&
          (q.state.fetchStatus === 'fetching' ||
            (q.state.dataUpdatedAt > 0 && q.state.dataUpdatedAt < connectedAt)),
      });
    };

    connection.onreconnecting(() => {
      if (!disposed) setStatus('reconnecting');
    });
    connection.onreconnected(() => {
      if (!disposed) void recover();
    });
    connection.onclose(() => {
      // Automatic reconnection never gives up, so a close means the server refused us or we stopped.
      if (disposed) return;
      setStatus('reconnecting');
      startTimer ??= setTimeout(() => void start(), 1000);
    });

    void start();
    return () => {
      disposed = true;
      clearTimeout(flushTimer);
      clearTimeout(startTimer);
      reports.dispose();
      refresher.dispose();
      void connection.stop();
    };
  }, [companyId, queryClient]);

  const value = useMemo(
    () => ({
      status,
      recoveredAt,
      subscribe: (listener: LiveListener) => {
        listeners.current.add(listener);
        return () => {
          listeners.current.delete(listener);
        };
      },
    }),
    [status, recoveredAt],
  );

  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}
