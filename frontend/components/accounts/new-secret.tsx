import { Callout, Flex, Text } from '@radix-ui/themes';
import { CopyButton } from '../ui/copy-button';

/** A password the API returned this once: shown in full with a copy button, and said to be shown once. */
export function NewSecret({ label, username, password }: { label: string; username: string; password: string }) {
  return (
    <Callout.Root color="green" size="1" role="status">
      <Callout.Text>
        <Text as="span">{label} for <strong className="mono">{username}</strong> (shown this once):</Text>
        <Flex as="span" align="center" gap="2" mt="1">
          <Text className="mono break" data-testid="new-password">{password}</Text>
          <CopyButton value={password} label={`Copy the new password of ${username}`} />
        </Flex>
      </Callout.Text>
    </Callout.Root>
  );
}
