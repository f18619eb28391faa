import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, setCsrfToken, whenSignedOut } from './api';
import { Link, navigate, usePath } from './router';
import type { SessionUser } from './types';
import { LeadPage } from './pages/Lead';
import { QueuePage } from './pages/Queue';
import { SignInPage } from './pages/SignIn';

// Manager pages (and the chart library) load only when a manager opens them, so reps download less.
const LeadsPage = lazy(() => import('./pages/Leads').then((m) => ({ default: m.LeadsPage })));
const FunnelPage = lazy(() => import('./pages/Funnel').then((m) => ({ default: m.FunnelPage })));
const TeamPage = lazy(() => import('./pages/Team').then((m) => ({ default: m.TeamPage })));
const PeoplePage = lazy(() => import('./pages/People').then((m) => ({ default: m.PeoplePage })));
const RulesPage = lazy(() => import('./pages/Rules').then((m) => ({ default: m.RulesPage })));

interface SessionInfo {
  user: SessionUser;
  csrfToken: string;
}

const MANAGER_NAV = [
  ['/leads', 'All leads'],
  ['/funnel', 'Funnel'],
  ['/team', 'Team load'],
  ['/people', 'People'],
  ['/rules', 'Rules'],
] as const;

export function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const path = usePath();

  const signedIn = useCallback((info: SessionInfo) => {
    setCsrfToken(info.csrfToken);
    setSession(info);
  }, []);

  useEffect(() => {
    whenSignedOut(() => {
      setCsrfToken(null);
      setSession(null);
    });
    api<SessionInfo>('GET', '/v1/session').then(signedIn, () => setSession(null));
  }, [signedIn]);

  useEffect(() => {
    const title = path.split('/')[1] || 'home';
    document.title = `LeadGate · ${title}`;
    // After navigating, keyboard and screen-reader users start at the new page's content.
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);

  if (session === undefined) return <p className="loading">Loading…</p>;
  if (session === null) return <SignInPage onSignedIn={signedIn} />;

  const signOut = async () => {
    await api('DELETE', '/v1/session').catch(() => undefined);
    setCsrfToken(null);
    setSession(null);
    navigate('/');
  };

  const { user } = session;
  const nav = user.role === 'manager' ? MANAGER_NAV : ([['/queue', 'My queue']] as const);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">LeadGate</span>
        <nav aria-label="Main">
          {nav.map(([to, label]) => (
            <Link key={to} to={to} aria-current={path.startsWith(to) ? 'page' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
        <span className="who">
          {user.name} <span className="muted">({user.role}{user.repId ? ` · ${user.repId}` : ''})</span>
        </span>
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Page path={path} user={user} />
        </Suspense>
      </main>
    </>
  );
}

function Page({ path, user }: { path: string; user: SessionUser }) {
  const lead = /^\/leads\/([^/]+)$/.exec(path);
  if (lead) return <LeadPage leadId={decodeURIComponent(lead[1]!)} user={user} />;
  if (user.role === 'rep') return <QueuePage />;
  switch (path) {
    case '/funnel':
      return <FunnelPage />;
    case '/team':
      return <TeamPage />;
    case '/people':
      return <PeoplePage />;
    case '/rules':
      return <RulesPage />;
    default:
      return <LeadsPage />;
  }
}
