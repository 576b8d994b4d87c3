import { Badge, Code, Flex, Heading, RadioCards, Text } from '@radix-ui/themes';
import { formatMb } from '../../lib/format';
import type { EngineView, Sku, SkuTable, SystemInfo } from '../../types/api';

/** Why a size cannot be chosen here (bigger than the host, smaller than the engine needs), or null. */
export function sizeRefusal(size: { cpus: number; memory_mb: number }, host: SystemInfo | undefined, engine: EngineView | undefined): string | null {
  if (host && size.cpus > host.cpu_count) return `needs ${size.cpus} vCPU; this host has ${host.cpu_count}`;
  if (host && size.memory_mb > host.memory.total_mb) return `needs ${formatMb(size.memory_mb)}; this host has ${formatMb(Math.floor(host.memory.total_mb))}`;
  if (engine && size.memory_mb < engine.min_memory_mb) return `${engine.display_name} needs at least ${formatMb(engine.min_memory_mb)}`;
  if (engine && size.cpus < engine.min_cpus) return `${engine.display_name} needs at least ${engine.min_cpus} vCPU`;
  return null;
}

/** SKUs grouped by series, each series with its Podman behaviour; sizes that do not fit are disabled with the reason. */
export function SkuPicker({ table, host, engine, value, onChange }: {
  table: SkuTable; host: SystemInfo | undefined; engine: EngineView | undefined; value: string; onChange(sku: string): void;
}) {
  return (
    <Flex direction="column" gap="4">
      {table.series.map((series) => {
        const skus: Sku[] = table.skus.filter((s) => s.series === series.series);
        const headingId = `series-${series.series}`;
        return (
          <section key={series.series} aria-labelledby={headingId}>
            <Heading as="h3" size="2" id={headingId}>{series.title}</Heading>
            <Text as="p" size="1" color="gray" mb="2">
              {series.use_case}{series.podman_flags.length ? <> · Podman: <Code size="1" variant="ghost">{series.podman_flags.join(' ')}</Code></> : null}
            </Text>
            <RadioCards.Root value={value} onValueChange={onChange} columns={{ initial: '2', sm: '3', md: '4' }} size="1" aria-labelledby={headingId}>
              {series.series === 'custom' ? (
                <RadioCards.Item value="custom">
                  <Flex direction="column"><Text weight="bold" size="2">Custom</Text><Text size="1" color="gray">your own memory, CPU and storage</Text></Flex>
                </RadioCards.Item>
              ) : skus.map((s) => {
                const refusal = sizeRefusal(s, host, engine);
                return (
                  <RadioCards.Item key={s.id} value={s.id} disabled={!!refusal} aria-describedby={refusal ? `${s.id}-why` : undefined}>
                    <Flex direction="column" gap="1">
                      <Flex gap="1" align="center"><Text weight="bold" size="2" className="mono">{s.id.toUpperCase()}</Text>{s.recommended ? <Badge size="1" color="green">recommended</Badge> : null}</Flex>
                      <Text size="1">{s.cpus} vCPU · {formatMb(s.memory_mb)} · {s.storage_gb} GB</Text>
                      {refusal ? <Text size="1" color="red" id={`${s.id}-why`}>{refusal}</Text> : null}
                    </Flex>
                  </RadioCards.Item>
                );
              })}
            </RadioCards.Root>
          </section>
        );
      })}
      <Text size="1" color="gray">{table.storage_note}</Text>
    </Flex>
  );
}
