import { api, unwrap, type Schemas } from '../api/client';

/** A committed event of the company, live from the hub or read back from the log. */
export type LiveEvent = Schemas['EventMessage'];
export type EventPage = Schemas['EventPage'];

export const EVENT_PAGE_SIZE = 500;

export function readEvents(after: number, signal?: AbortSignal): Promise<EventPage> {
  return unwrap(
    api.GET('/api/events', { params: { query: { after, limit: EVENT_PAGE_SIZE } }, signal }),
    signal,
  );
}
