import { Button, Code, Flex, Text } from '@radix-ui/themes';
import { ApiError } from '../../lib/api';
import { useInstallPodman } from '../../queries/system';
import { ErrorCallout } from '../ui/error-callout';

/** POST /podman/install; when the module may not install (409), the commands to run as root instead. */
export function InstallPodmanButton({ label = 'Install Podman' }: { label?: string }) {
  const install = useInstallPodman();
  const refused = install.error instanceof ApiError && install.error.status === 409
    ? (install.error.body as { commands?: string[] } | undefined)?.commands ?? [] : [];
  return (
    <Flex direction="column" gap="2">
      <Button type="button" size="1" onClick={() => install.mutate()} loading={install.isPending}>{label}</Button>
      <ErrorCallout error={install.error} title="Install not started" />
      {refused.length ? (
        <div>
          <Text size="1">Run as root:</Text>
          <pre className="code-block"><Code variant="ghost">{refused.join('\n')}</Code></pre>
        </div>
      ) : null}
    </Flex>
  );
}
