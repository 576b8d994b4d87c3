import { Flex, Spinner } from '@radix-ui/themes';

export function Loading({ label = 'Loading' }: { label?: string }) {
  return <Flex align="center" justify="center" p="6" gap="2" role="status"><Spinner /> {label}…</Flex>;
}
