import { Badge, Flex, Heading, RadioCards, Text } from '@radix-ui/themes';
import { memo } from 'react';
import type { EngineView } from '../../types/api';

export const CATEGORY_LABELS: Record<EngineView['category'], string> = {
  relational: 'Relational', document: 'Document', key_value: 'Key-value', wide_column: 'Wide column',
  time_series: 'Time series', search: 'Search', graph: 'Graph', analytical: 'Analytical', embedded: 'Embedded',
};

/** What the module does for an engine, from GET /engines' capability flags. */
export function capabilityBadges(e: EngineView): string[] {
  return [
    e.supports_backup && 'backups', e.supports_restore && 'restore', e.supports_metrics && 'metrics',
    e.supports_users && 'users', e.supports_databases && 'databases', e.supports_tls && 'TLS',
    e.is_embedded && 'embedded', !e.has_authentication && 'no auth',
  ].filter((x): x is string => !!x);
}

/** Engines grouped by category, one radio group per category (arrow keys move within one, Tab to the next). */
export const EnginePicker = memo(function EnginePicker({ engines, value, onChange }: {
  engines: EngineView[]; value: string; onChange(engine: string): void;
}) {
  const groups = new Map<EngineView['category'], EngineView[]>();
  for (const e of engines) groups.set(e.category, [...(groups.get(e.category) ?? []), e]);
  return (
    <Flex direction="column" gap="3">
      {[...groups].map(([category, list]) => (
        <section key={category} aria-labelledby={`engines-${category}`}>
          <Heading as="h3" size="2" id={`engines-${category}`} mb="2" color="gray">{CATEGORY_LABELS[category]}</Heading>
          <RadioCards.Root
            value={list.some((e) => e.engine === value) ? value : ''} onValueChange={onChange}
            columns={{ initial: '1', sm: '2', md: '3' }} size="1" aria-labelledby={`engines-${category}`}
          >
            {list.map((e) => (
              <RadioCards.Item key={e.engine} value={e.engine} aria-label={e.display_name}>
                <Flex direction="column" gap="1" width="100%">
                  <Text weight="bold" size="2">{e.display_name}</Text>
                  <Text size="1" color="gray" className="clamp-2">{e.description}</Text>
                  <Flex gap="1" wrap="wrap">
                    {capabilityBadges(e).map((b) => <Badge key={b} size="1" variant="soft" color={b === 'no auth' ? 'amber' : 'gray'}>{b}</Badge>)}
                  </Flex>
                </Flex>
              </RadioCards.Item>
            ))}
          </RadioCards.Root>
        </section>
      ))}
    </Flex>
  );
});
