import { LockClosedIcon } from '@radix-ui/react-icons';
import { Box, Button, Card, Flex, Heading, Text, TextField } from '@radix-ui/themes';
import { useEffect, useId, useRef, useState } from 'react';
import { ErrorCallout } from '../components/ui/error-callout';
import { useSignIn } from '../queries/session';

/** A one-time link's code travels in the fragment (never sent to a server, never in a log); it is removed at once. */
function takeLinkCode(): string | null {
  const m = /(?:^#|&)code=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (!m) return null;
  history.replaceState(null, '', window.location.pathname + window.location.search);
  return m[1]!;
}

/**
 * Sign-in: paste the admin or the read token. The token goes to the host once, in a POST body;
 * the browser keeps only the session cookie, which scripts cannot read.
 */
export function SignInPage() {
  const signIn = useSignIn();
  const [token, setToken] = useState('');
  const tokenId = useId();
  const redeemed = useRef(false);
  useEffect(() => {
    if (redeemed.current) return;
    redeemed.current = true;
    const code = takeLinkCode();
    if (code) signIn.mutate({ code });
  }, [signIn]);
  // The link's path has no page of its own: land on the list.
  useEffect(() => {
    if (signIn.isSuccess && window.location.pathname === '/sign-in') history.replaceState(null, '', '/');
  }, [signIn.isSuccess]);

  return (
    <Flex className="sign-in" align="center" justify="center" p="4">
      <Card size="3" style={{ width: '100%', maxWidth: 440 }}>
        <form onSubmit={(e) => { e.preventDefault(); if (token.trim()) signIn.mutate({ token: token.trim() }); }}>
          <Flex direction="column" gap="3">
            <Flex align="center" gap="2"><LockClosedIcon /><Heading as="h1" size="5">Sign in to Databases</Heading></Flex>
            <Text as="p" size="2" color="gray">
              Paste the host's admin token, or its read token for a session that only looks. <code>npm start</code> prints
              where they are kept, and a one-time sign-in link.
            </Text>
            <Box>
              <label htmlFor={tokenId}><Text size="2" weight="medium">API token</Text></label>
              <TextField.Root
                id={tokenId} type="password" value={token} onChange={(e) => setToken(e.target.value)}
                autoComplete="off" spellCheck={false} autoFocus mt="1"
              />
            </Box>
            <ErrorCallout error={signIn.error} title="Not signed in" />
            <Button type="submit" loading={signIn.isPending} disabled={!token.trim()}>Sign in</Button>
          </Flex>
        </form>
      </Card>
    </Flex>
  );
}
