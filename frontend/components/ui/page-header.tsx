import { Flex, Heading, Text } from '@radix-ui/themes';
import type { ReactNode } from 'react';

export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <Flex className="page-header" justify="between" align="start" gap="3" wrap="wrap" mb="4">
      <div>
        <Heading as="h1" size="6">{title}</Heading>
        {subtitle ? <Text as="p" color="gray" size="2">{subtitle}</Text> : null}
      </div>
      {actions ? <Flex gap="2" wrap="wrap">{actions}</Flex> : null}
    </Flex>
  );
}
