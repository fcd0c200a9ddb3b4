import { useContext, useEffect } from 'react';
import { SessionContext } from '../app/session';

/** Sets the tab's title: "API tokens · Acme · fluidManager". */
export function usePageTitle(title: string): void {
  const company = useContext(SessionContext)?.company.name;
  useEffect(() => {
    document.title = [title, company, 'fluidManager'].filter(Boolean).join(' · ');
  }, [title, company]);
}
