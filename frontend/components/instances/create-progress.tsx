import { CheckCircledIcon, CircleIcon, CrossCircledIcon } from '@radix-ui/react-icons';
import { Card, Flex, Heading, Progress, Spinner, Text } from '@radix-ui/themes';
import { formatBytes } from '../../lib/format';
import type { InstanceView } from '../../types/api';

/** The create's steps, by the progress the module writes on the row (src/services/drivers/container-provisioning.ts). */
const STEPS = [
  { from: 0, label: 'Preparing the network and volumes' },
  { from: 30, label: 'Getting the image' },
  { from: 45, label: 'Creating the container' },
  { from: 50, label: 'Starting' },
  { from: 70, label: 'Waiting for the engine to answer' },
  { from: 100, label: 'Ready' },
] as const;

export type StepState = 'done' | 'current' | 'failed' | 'pending';

/** Each step's state for a row: the one the progress is in is current (failed when the create failed). */
export function stepStates(i: Pick<InstanceView, 'progress' | 'status'>): StepState[] {
  const failed = i.status === 'failed';
  const ready = i.progress >= 100 && !failed;
  return STEPS.map((s, n) => {
    const next = STEPS[n + 1]?.from ?? Infinity;
    if (ready) return 'done';
    if (i.progress >= next) return 'done';
    if (i.progress >= s.from) return failed ? 'failed' : 'current';
    return 'pending';
  });
}

function PullDetail({ pull }: { pull: NonNullable<InstanceView['pull_progress']> }) {
  return (
    <Flex direction="column" gap="1" mt="1">
      <Progress value={pull.percent} aria-label={`Image pull ${pull.percent} %`} size="1" />
      <Text size="1" color="gray" className="tabular">
        {pull.image}: {formatBytes(pull.bytes_done)} of {formatBytes(pull.bytes_total)} · {pull.layers_done}/{pull.layers_total} layers · {pull.percent} %
        {pull.state === 'failed' ? ` · ${pull.error ?? 'failed'}` : ''}
      </Text>
    </Flex>
  );
}

const ICON: Record<StepState, React.ReactNode> = {
  done: <CheckCircledIcon color="var(--green-9)" />, current: <Spinner size="1" />,
  failed: <CrossCircledIcon color="var(--red-9)" />, pending: <CircleIcon color="var(--gray-8)" />,
};

/** The create step by step: volumes, the image (bytes of a pull), the container, start, the engine's first answer. */
export function CreateProgress({ instance }: { instance: InstanceView }) {
  const states = stepStates(instance);
  return (
    <Card mb="4" aria-labelledby="create-progress-title">
      <Heading as="h2" size="3" id="create-progress-title" mb="2">Creating {instance.name}</Heading>
      <Progress value={instance.progress} aria-label={`Create ${instance.progress} %`} mb="3" />
      <ol className="steps" aria-live="polite">
        {STEPS.map((s, n) => (
          <li key={s.label} className={`step step-${states[n]}`} aria-current={states[n] === 'current' ? 'step' : undefined}>
            <Flex gap="2" align="start">
              <span className="step-icon" aria-hidden>{ICON[states[n]!]}</span>
              <div className="step-body">
                <Text size="2" weight={states[n] === 'current' ? 'bold' : 'regular'}>{s.label}</Text>
                <span className="visually-hidden">: {states[n]}</span>
                {s.from === 30 && instance.pull_progress ? <PullDetail pull={instance.pull_progress} /> : null}
                {s.from === 30 && !instance.pull_progress && states[n] === 'done' ? <Text as="div" size="1" color="gray">already on this host</Text> : null}
                {states[n] === 'failed' ? <Text as="div" size="1" color="red" role="alert">{instance.error_message}</Text> : null}
              </div>
            </Flex>
          </li>
        ))}
      </ol>
      {instance.status === 'creating' && instance.status_message ? <Text size="1" color="gray">Now: {instance.status_message}</Text> : null}
    </Card>
  );
}
