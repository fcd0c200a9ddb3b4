import { QueryClient, QueryObserver, type QueryKey } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Refresher } from './refresh';

/** A query function whose answers the test gives by hand, one per fetch, in order. */
function controlledFetches() {
  const fetches: { signal: AbortSignal; answer: (data: string) => void }[] = [];
  const queryFn = ({ signal }: { signal: AbortSignal }) =>
    new Promise<string>((resolve) => fetches.push({ signal, answer: resolve }));
  return { fetches, queryFn };
}

/** Lets the promises and timers the query cache queued run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

const listKey: QueryKey = ['tasks', 'list', { project: 3 }];

describe('Refresher', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    cleanups.splice(0).forEach((cleanup) => cleanup());
  });

  function setUp() {
    // As the dashboard's client: data stays fresh for a minute unless an event marks it stale.
    const queryClient = new QueryClient({
      defaultOptions: { queries: { retry: false, staleTime: 60_000 } },
    });
    const refresher = new Refresher(queryClient);
    const { fetches, queryFn } = controlledFetches();
    cleanups.push(() => {
      refresher.dispose();
      queryClient.clear();
    });
    return { queryClient, refresher, fetches, queryFn };
  }

  /** A list on screen (an observer makes its query active), with a first answer already shown. */
  async function listOnScreen() {
    const context = setUp();
    const observer = new QueryObserver(context.queryClient, {
      queryKey: listKey,
      queryFn: context.queryFn,
    });
    cleanups.unshift(observer.subscribe(() => {}));
    await vi.waitFor(() => expect(context.fetches).toHaveLength(1));
    context.fetches[0]!.answer('first');
    await vi.waitFor(() => expect(observer.getCurrentResult().data).toBe('first'));
    return { ...context, observer };
  }

  it('lets a fetch on its way land instead of cancelling it', async () => {
    const { refresher, fetches, observer } = await listOnScreen();
    void refresher.invalidate({ queryKey: ['tasks'] });
    await vi.waitFor(() => expect(fetches).toHaveLength(2));
    const onItsWay = fetches[1]!;

    void refresher.invalidate({ queryKey: ['tasks'] });
    await settle();

    expect(onItsWay.signal.aborted).toBe(false);
    expect(fetches).toHaveLength(2);
    onItsWay.answer('second');
    await vi.waitFor(() => expect(observer.getCurrentResult().data).toBe('second'));
  });

  it('reads a list once more after its fetch ends, however many events came meanwhile', async () => {
    const { queryClient, refresher, fetches, observer } = await listOnScreen();
    void refresher.invalidate({ queryKey: ['tasks'] });
    await vi.waitFor(() => expect(fetches).toHaveLength(2));

    for (let i = 0; i < 10; i++) {
      void refresher.invalidate({ queryKey: ['tasks'] });
      await settle();
    }
    expect(fetches).toHaveLength(2);

    // The answer may predate the events: shown, then read again once.
    fetches[1]!.answer('before the events');
    await vi.waitFor(() => expect(fetches).toHaveLength(3));
    expect(fetches[1]!.signal.aborted).toBe(false);
    expect(queryClient.getQueryData(listKey)).toBe('before the events');
    fetches[2]!.answer('after the events');
    await vi.waitFor(() => expect(observer.getCurrentResult().data).toBe('after the events'));
    await settle();
    expect(fetches).toHaveLength(3);
    expect(queryClient.getQueryState(listKey)?.isInvalidated).toBe(false);
  });

  it('reads an idle list on screen once per invalidation, as before', async () => {
    const { refresher, fetches, observer } = await listOnScreen();
    for (const answer of ['second', 'third']) {
      void refresher.invalidate({ queryKey: ['tasks'] });
      await vi.waitFor(() => expect(fetches).toHaveLength(answer === 'second' ? 2 : 3));
      fetches.at(-1)!.answer(answer);
      await vi.waitFor(() => expect(observer.getCurrentResult().data).toBe(answer));
    }
    await settle();
    expect(fetches).toHaveLength(3);
  });

  it('only marks a list off screen stale, also when its fetch was on its way', async () => {
    const { queryClient, refresher, fetches, queryFn } = setUp();
    const read = queryClient.fetchQuery({ queryKey: listKey, queryFn });
    await vi.waitFor(() => expect(fetches).toHaveLength(1));
    fetches[0]!.answer('first');
    await read;

    await refresher.invalidate({ queryKey: ['tasks'] });
    expect(queryClient.getQueryState(listKey)?.isInvalidated).toBe(true);
    await settle();
    expect(fetches).toHaveLength(1);

    // A read with no one on screen (a prefetch) lands; since its answer may predate the event, the
    // list is stale again afterwards, and still not read.
    const prefetch = queryClient.fetchQuery({ queryKey: listKey, queryFn, staleTime: 0 });
    await vi.waitFor(() => expect(fetches).toHaveLength(2));
    void refresher.invalidate({ queryKey: ['tasks'] });
    fetches[1]!.answer('second');
    await expect(prefetch).resolves.toBe('second');
    await settle();
    expect(fetches[1]!.signal.aborted).toBe(false);
    expect(fetches).toHaveLength(2);
    expect(queryClient.getQueryState(listKey)?.isInvalidated).toBe(true);
  });

  it('reads nothing more once disposed', async () => {
    const { refresher, fetches } = await listOnScreen();
    void refresher.invalidate({ queryKey: ['tasks'] });
    await vi.waitFor(() => expect(fetches).toHaveLength(2));
    void refresher.invalidate({ queryKey: ['tasks'] });
    refresher.dispose();
    fetches[1]!.answer('second');
    await settle();
    expect(fetches).toHaveLength(2);
  });
});
