import { Badge, Card, Code, DataList, Flex, Heading, Progress, Text } from '@radix-ui/themes';
import { useCanWrite } from '../../queries/session';
import { usePodmanStatus } from '../../queries/system';
import { InstallPodmanButton } from './install-podman-button';
import { QueryState } from '../ui/query-state';

const STEP_COLOR = { ok: 'green', warn: 'amber', fail: 'red', skipped: 'gray', running: 'blue', pending: 'gray' } as const;

/** GET /podman/status: Podman, its socket, runtime, cgroups and known issues; the install job and its progress. */
export function PodmanCard() {
  const podman = usePodmanStatus();
  const canWrite = useCanWrite();
  const p = podman.data;
  const job = p?.install;
  return (
    <Card size="2">
      <Heading as="h2" size="4" mb="3">Podman</Heading>
      <QueryState query={podman} errorTitle="Podman status could not be read" />
      {p ? (
        <Flex direction="column" gap="3">
          <DataList.Root size="2">
            <DataList.Item><DataList.Label>Installed</DataList.Label><DataList.Value>{p.installed ? <Badge color="green">{p.version}</Badge> : <Badge color="red">no</Badge>}</DataList.Value></DataList.Item>
            <DataList.Item><DataList.Label>API socket</DataList.Label><DataList.Value><Text size="2" className="mono break">{p.socket}</Text> <Badge color={p.reachable ? 'green' : 'red'} ml="2">{p.reachable ? 'answers' : 'no answer'}</Badge></DataList.Value></DataList.Item>
            <DataList.Item><DataList.Label>Mode</DataList.Label><DataList.Value>{p.rootless ? 'rootless' : 'rootful'}</DataList.Value></DataList.Item>
            <DataList.Item><DataList.Label>OCI runtime</DataList.Label><DataList.Value>{p.ociRuntime ?? 'unknown'}</DataList.Value></DataList.Item>
            <DataList.Item><DataList.Label>cgroups</DataList.Label><DataList.Value>{p.cgroupVersion}</DataList.Value></DataList.Item>
          </DataList.Root>
          {p.issues.length ? (
            <Flex direction="column" gap="2">
              <Heading as="h3" size="2">Known issues on this host</Heading>
              <ul className="plain-list">
                {p.issues.map((i) => (
                  <li key={i.id}>
                    <Badge color={i.severity === 'fail' ? 'red' : 'amber'} mr="2">{i.severity}</Badge><Text size="2">{i.message}</Text>
                    <Text as="div" size="1">Fix: <Code size="1" variant="ghost">{i.fix}</Code></Text>
                  </li>
                ))}
              </ul>
            </Flex>
          ) : null}
          {job ? (
            <Flex direction="column" gap="2" aria-live="polite">
              <Heading as="h3" size="2">Install job: {job.state} ({job.progress} %)</Heading>
              <Progress value={job.progress} aria-label={`Podman install ${job.progress} %`} color={job.state === 'failed' ? 'red' : undefined} />
              <ol className="plain-list">
                {job.steps.map((s) => <li key={s.name}><Badge color={STEP_COLOR[s.status]} mr="2">{s.status}</Badge><Text size="2">{s.name}</Text>{s.message ? <Text size="1" color="gray">: {s.message}</Text> : null}</li>)}
              </ol>
              {job.logTail.length ? <pre className="code-block log-tail">{job.logTail.join('\n')}</pre> : null}
            </Flex>
          ) : null}
          {canWrite && (!p.installed || !p.reachable || p.issues.length > 0) && job?.state !== 'running' ? (
            <Flex direction="column" gap="1">
              <Text size="2">The install job installs Podman if needed, writes its containers.conf fixes for this host and starts the API service.</Text>
              <InstallPodmanButton label={p.installed ? 'Run the install job' : 'Install Podman'} />
            </Flex>
          ) : null}
        </Flex>
      ) : null}
    </Card>
  );
}
