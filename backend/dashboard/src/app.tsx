import type { User } from '@cloudsage/schema';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { logout, me } from './api/endpoints.js';
import { messageOf, onUnauthorized } from './api/http.js';
import { Layout } from './components/layout.js';
import { ErrorState, Loading } from './components/states.js';
import { match, navigate, useLocation } from './lib/router.js';
import { type Session, SessionContext } from './lib/session.js';
import { AuthPage } from './pages/auth-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { ProjectsPage } from './pages/projects-page.js';

// The project page carries the chart library: loaded on demand, so the first page stays small.
const ProjectPage = lazy(() => import('./pages/project-page.js'));

type SessionState =
  | { status: 'loading' }
  | { status: 'ready'; user: User | undefined }
  | { status: 'error'; error: unknown };

function safeNext(next: string | null): string {
  // Only same-origin paths: `next` comes from the URL and must not become an open redirect.
  return next && /^\/(?!\/)/.test(next) ? next : '/projects';
}

/** The whole app: the session gate and the routes. */
export function App() {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const { path, query } = useLocation();

  const check = useCallback(() => {
    setState({ status: 'loading' });
    me().then(
      (user) => setState({ status: 'ready', user }),
      (error: unknown) => setState({ status: 'error', error }),
    );
  }, []);
  useEffect(check, [check]);

  // Any 401 (an expired or revoked session) sends the user to sign in again, then back here.
  useEffect(
    () =>
      onUnauthorized(() => {
        setState({ status: 'ready', user: undefined });
        const here = window.location.pathname + window.location.search;
        navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
      }),
    [],
  );

  const user = state.status === 'ready' ? state.user : undefined;
  const session = useMemo<Session | undefined>(
    () =>
      user && {
        user,
        async signOut() {
          await logout();
          setState({ status: 'ready', user: undefined });
          navigate('/login');
        },
      },
    [user],
  );

  const signedIn = useCallback((u: User) => {
    setState({ status: 'ready', user: u });
    navigate(safeNext(new URLSearchParams(window.location.search).get('next')), { replace: true });
  }, []);

  const isAuthPage = path === '/login' || path === '/register';
  // Redirects happen in an effect, never during render.
  useEffect(() => {
    if (state.status !== 'ready') return;
    if (state.user && (isAuthPage || path === '/')) navigate(safeNext(query.get('next')), { replace: true });
    if (!state.user && !isAuthPage) {
      const next = path === '/' ? '' : `?next=${encodeURIComponent(path + window.location.search)}`;
      navigate(`/login${next}`, { replace: true });
    }
  }, [state, path, isAuthPage, query]);

  let content: React.ReactNode;
  if (state.status === 'loading') content = <Loading label="Checking your session" />;
  else if (state.status === 'error')
    content = <ErrorState title="CloudSage is unreachable" message={messageOf(state.error)} onRetry={check} />;
  else if (isAuthPage) content = <AuthPage mode={path === '/login' ? 'login' : 'register'} onSignedIn={signedIn} />;
  else if (!user) content = <Loading label="Redirecting to sign in" />;
  else if (path === '/' || path === '/projects' || path === '/projects/') content = <ProjectsPage />;
  else {
    const params = match('/projects/:id', path);
    content = params?.id ? (
      <Suspense fallback={<Loading label="Loading project" />}>
        <ProjectPage key={params.id} projectId={params.id} />
      </Suspense>
    ) : (
      <NotFoundPage />
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <Layout>{content}</Layout>
    </SessionContext.Provider>
  );
}
