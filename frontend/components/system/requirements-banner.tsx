import { ExclamationTriangleIcon } from '@radix-ui/react-icons';
import { Button, Callout, Code, Flex, Text } from '@radix-ui/themes';
import { Link } from 'wouter';
import { useCanWrite } from '../../queries/session';
import { usePodmanStatus, useRequirements } from '../../queries/system';
import { InstallPodmanButton } from './install-podman-button';

/** Above the list: each failing host requirement (Podman missing first) with its fix. Nothing when all pass. */
export function RequirementsBanner() {
  const requirements = useRequirements();
  const podman = usePodmanStatus();
  const canWrite = useCanWrite();
  const failing = requirements.data?.checks.filter((c) => c.status === 'fail') ?? [];
  const installing = podman.data?.install?.state === 'running';
  if (!failing.length && !installing) return null;
  const podmanMissing = requirements.data?.podman_installed === false;
  return (
    <Callout.Root color={installing ? 'blue' : 'amber'} mb="4" role="region" aria-label="Host requirements">
      <Callout.Icon><ExclamationTriangleIcon /></Callout.Icon>
      <Flex direction="column" gap="2">
        <Text weight="bold">
          {installing ? `Installing Podman: ${podman.data?.install?.progress ?? 0} %`
            : podmanMissing ? 'Podman is required' : 'The host does not meet every requirement'}
        </Text>
        <ul className="plain-list">
          {failing.map((c) => (
            <li key={c.id}>
              <Text size="2"><strong>{c.title}</strong>: {c.message}</Text>
              {c.fix ? <Text as="div" size="1">Fix: <Code variant="ghost">{c.fix}</Code></Text> : null}
            </li>
          ))}
        </ul>
        <Flex gap="2" wrap="wrap">
          {canWrite && podmanMissing && !installing ? <InstallPodmanButton /> : null}
          <Button asChild variant="soft" size="1"><Link href="/system">Open the System page</Link></Button>
        </Flex>
      </Flex>
    </Callout.Root>
  );
}
