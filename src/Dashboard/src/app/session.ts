import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { fetchSession, sessionQueryKey, type Session } from '../services/session';

export function useSessionQuery() {
  return useQuery({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => fetchSession(signal),
    staleTime: 5 * 60_000,
  });
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session, inside the pages that require one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession is used outside the signed-in pages.');
  return session;
}

export function isCeo(session: Session): boolean {
  return session.role === 'ceo';
}

export function isAdmin(session: Session): boolean {
  return session.role === 'ceo' || session.role === 'admin';
}
