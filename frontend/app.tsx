import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { Flex, Theme } from '@radix-ui/themes';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { Redirect, Route, Router, Switch } from 'wouter';
import { AppShell } from './components/layout/app-shell';
import { ErrorCallout } from './components/ui/error-callout';
import { Loading } from './components/ui/loading';
import { onUnauthorized } from './lib/api';
import DatabasesPage from './pages/DatabasesPage';
import { SignInPage } from './pages/SignInPage';
import { keys } from './queries/keys';
import { useSession } from './queries/session';

// Pages past the first screen load on demand: the first screen's JavaScript stays small.
const CreateDatabasePage = lazy(() => import('./pages/CreateDatabasePage'));
const DatabaseDetailPage = lazy(() => import('./pages/DatabaseDetailPage'));
const SystemPage = lazy(() => import('./pages/SystemPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

type Appearance = 'light' | 'dark';
const THEME_KEY = 'flux-databases-theme';

function initialAppearance(): Appearance {
  const stored = localStorage.getItem(THEME_KEY);
  if (stored === 'light' || stored === 'dark') return stored;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Shows the sign-in page until the host says there is a session; a 401 later brings it back. */
function SessionGate({ children }: { children: ReactNode }) {
  const session = useSession();
  const client = useQueryClient();
  useEffect(() => {
    onUnauthorized(() => client.setQueryData(keys.session, null));
    return () => onUnauthorized(null);
  }, [client]);
  if (session.isPending) return <Loading label="Checking the session" />;
  if (session.error) return <Flex p="6" justify="center"><ErrorCallout error={session.error} title="The host did not answer" /></Flex>;
  return session.data ? <>{children}</> : <SignInPage />;
}

export function Routes() {
  return (
    <Suspense fallback={<Loading />}>
      <Switch>
        <Route path="/" component={DatabasesPage} />
        <Route path="/create" component={CreateDatabasePage} />
        <Route path="/databases/:id">{(p) => <DatabaseDetailPage id={Number(p.id)} />}</Route>
        <Route path="/system" component={SystemPage} />
        <Route path="/sign-in"><Redirect to="/" replace /></Route>
        <Route component={NotFoundPage} />
      </Switch>
    </Suspense>
  );
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: (n, err) => ((err as { status?: number }).status ?? 500) >= 500 && n < 2, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}

export function App({ client: given }: { client?: QueryClient }) {
  // One client for the page's life: a new one per render would drop every cached answer.
  const [client] = useState(() => given ?? createQueryClient());
  const [appearance, setAppearance] = useState<Appearance>(initialAppearance);
  useEffect(() => { localStorage.setItem(THEME_KEY, appearance); }, [appearance]);
  return (
    <QueryClientProvider client={client}>
      <Theme appearance={appearance} accentColor="indigo" grayColor="slate" radius="medium" panelBackground="solid">
        <SessionGate>
          <Router>
            <AppShell appearance={appearance} onAppearance={setAppearance}>
              <Routes />
            </AppShell>
          </Router>
        </SessionGate>
      </Theme>
    </QueryClientProvider>
  );
}
