import { CheckCircle2, RefreshCw, WifiOff } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useLive } from './liveContext';

const RECOVERED_NOTICE_MS = 2500;

/** Says when live updates stop, while they come back, and when the page has caught up. */
export function ConnectionBanner() {
  const { status, recoveredAt } = useLive();
  const [dismissed, setDismissed] = useState<number | undefined>();
  const showRecovered = recoveredAt !== undefined && dismissed !== recoveredAt;

  useEffect(() => {
    if (recoveredAt === undefined) return;
    const timer = setTimeout(() => setDismissed(recoveredAt), RECOVERED_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [recoveredAt]);

  let banner = null;
  if (status === 'reconnecting') {
    banner = (
      <div className="banner banner--warn">
        <WifiOff size={15} aria-hidden="true" />
        <span>Reconnecting…</span>
        <span className="muted hide-narrow">
          Live updates are paused; this page will catch up when the connection is back.
        </span>
      </div>
    );
  } else if (status === 'catching-up') {
    banner = (
      <div className="banner banner--info">
        <RefreshCw size={15} aria-hidden="true" />
        <span>Back online, catching up…</span>
      </div>
    );
  } else if (status === 'live' && showRecovered) {
    banner = (
      <div className="banner banner--ok">
        <CheckCircle2 size={15} aria-hidden="true" />
        <span>Back online. Everything is up to date.</span>
      </div>
    );
  }
  return (
    <div role="status" aria-live="polite" data-live-status={status}>
      {banner}
    </div>
  );
}
