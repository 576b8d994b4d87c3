import { ExitIcon } from '@radix-ui/react-icons';
import { Badge, Button, Flex, Text } from '@radix-ui/themes';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession, useSignOut } from '../../queries/session';
import { ErrorCallout } from '../ui/error-callout';
import { ThemeToggle } from '../ui/theme-toggle';

const NAV = [
  { href: '/', label: 'Databases', match: (p: string) => p === '/' || p.startsWith('/databases') || p === '/create' },
  { href: '/system', label: 'System', match: (p: string) => p.startsWith('/system') },
];

/** The page frame: skip link, navigation, the session's role, sign-out and the theme. */
export function AppShell({ children, appearance, onAppearance }: { children: ReactNode; appearance: 'light' | 'dark'; onAppearance(a: 'light' | 'dark'): void }) {
  const [path] = useLocation();
  const session = useSession();
  const signOut = useSignOut();
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="app-header">
        <Flex align="center" gap="4" className="app-header-inner">
          <Text weight="bold" size="3" className="brand">Flux Databases</Text>
          <nav aria-label="Main">
            <Flex gap="1" asChild>
              <ul className="nav-list">
                {NAV.map((n) => (
                  <li key={n.href}>
                    <Link href={n.href} className="nav-link" aria-current={n.match(path) ? 'page' : undefined}>{n.label}</Link>
                  </li>
                ))}
              </ul>
            </Flex>
          </nav>
          <Flex align="center" gap="3" ml="auto">
            {session.data ? (
              <Badge color={session.data.role === 'admin' ? 'indigo' : 'gray'} title={session.data.permissions.join(', ')}>
                {session.data.role === 'admin' ? 'admin' : 'read only'}
              </Badge>
            ) : null}
            <ThemeToggle appearance={appearance} onChange={onAppearance} />
            <Button type="button" variant="soft" size="1" onClick={() => signOut.mutate()} loading={signOut.isPending}>
              <ExitIcon /> Sign out
            </Button>
          </Flex>
        </Flex>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {signOut.error ? <ErrorCallout error={signOut.error} title="Sign-out failed" /> : null}
        {children}
      </main>
    </>
  );
}
