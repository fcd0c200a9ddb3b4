import { Menu as MenuIcon } from 'lucide-react';
import { Suspense, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigation } from 'react-router';
import { LoadingBlock } from '../components/Loading';
import { LogoMark } from '../components/Logo';
import { ConnectionBanner } from '../live/ConnectionBanner';
import { useLive, type LiveStatus } from '../live/liveContext';
import { CompanySwitcher } from './CompanySwitcher';
import { navigation, navItemFor } from './navigation';
import { NotificationBell } from './NotificationBell';
import { useSession } from './session';
import { useWaitingCount } from './useWaitingCount';
import { UserMenu } from './UserMenu';

const liveText: Record<LiveStatus, { label: string; dot: string }> = {
  live: { label: 'Live', dot: 'dot dot--ok dot--pulse' },
  connecting: { label: 'Connecting…', dot: 'dot dot--info' },
  reconnecting: { label: 'Reconnecting…', dot: 'dot dot--warn dot--pulse' },
  'catching-up': { label: 'Catching up…', dot: 'dot dot--info dot--pulse' },
};

function LiveIndicator() {
  const { status } = useLive();
  const { label, dot } = liveText[status];
  return (
    <span className="live-indicator" title="Changes appear here as they happen">
      <span className={dot} aria-hidden="true" />
      <span data-testid="live-status">{label}</span>
    </span>
  );
}

const pageLabels: Record<string, string> = { '/settings/tokens': 'API tokens' };

/** The signed-in frame: navigation, company and account menus, live status, then the page. */
export function Shell() {
  const session = useSession();
  const location = useLocation();
  const navigationState = useNavigation();
  // The drawer of narrow windows belongs to the page it was opened on: navigating closes it.
  const [navOpenOn, setNavOpenOn] = useState<string | null>(null);
  const navOpen = navOpenOn === location.pathname;
  const current = navItemFor(location.pathname);
  const waiting = useWaitingCount();

  return (
    <div className={navOpen ? 'shell shell--nav-open' : 'shell'}>
      <a href="#main" className="visually-hidden">
        Skip to content
      </a>
      <aside className="sidebar" aria-label="Main">
        <Link to="/org" className="brand">
          <LogoMark />
          fluidManager
        </Link>
        <CompanySwitcher />
        <nav className="nav" aria-label="Pages">
          {navigation.map((section) => {
            const { items } = section;
            return (
              <div key={section.title} role="group" aria-labelledby={`nav-${section.title}`}>
                <div className="nav__section" id={`nav-${section.title}`}>
                  {section.title}
                </div>
                {items.map(({ path, label, icon: Icon, badge }) => (
                  <NavLink
                    key={path}
                    to={path}
                    className="nav__link"
                    onClick={() => setNavOpenOn(null)}
                  >
                    <Icon size={17} aria-hidden="true" />
                    {label}
                    {badge === 'waiting' && waiting > 0 && (
                      <span className="counter" aria-label={`${waiting} waiting`}>
                        {waiting}
                      </span>
                    )}
                  </NavLink>
                ))}
              </div>
            );
          })}
        </nav>
        <div className="sidebar__footer">
          <UserMenu />
        </div>
      </aside>
      <div className="scrim" onClick={() => setNavOpenOn(null)} aria-hidden="true" />
      <div className="main">
        <ConnectionBanner />
        <header className="topbar">
          <button
            type="button"
            className="button button--ghost button--icon topbar__menu"
            aria-label="Open navigation"
            aria-expanded={navOpen}
            onClick={() => setNavOpenOn(location.pathname)}
          >
            <MenuIcon size={18} />
          </button>
          <div className="topbar__crumbs">
            <span className="hide-narrow">{session.company.name}</span>
            <span className="sep hide-narrow">/</span>
            <span>{current?.label ?? pageLabels[location.pathname] ?? ''}</span>
          </div>
          <span className="spacer" />
          {navigationState.state === 'loading' && (
            <span className="spinner" aria-label="Loading page" />
          )}
          <NotificationBell />
          <LiveIndicator />
        </header>
        <main className="content" id="main" tabIndex={-1}>
          <Suspense fallback={<LoadingBlock label="Loading…" />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}
