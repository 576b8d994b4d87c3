import { Flex, Grid, Text, TextField } from '@radix-ui/themes';
import { useId } from 'react';
import type { SkuTable, SystemInfo } from '../../types/api';

export interface CustomSize { memory_mb: number; cpus: number; storage_gb: number }

/** Memory, vCPU and storage of a custom SKU, bounded by the module's limits and by this host. */
export function CustomSizing({ limits, host, value, onChange }: {
  limits: SkuTable['custom']; host: SystemInfo | undefined; value: CustomSize; onChange(v: CustomSize): void;
}) {
  const maxMemory = Math.min(limits.max.memory_mb, host ? Math.floor(host.memory.total_mb) : Infinity);
  const maxCpus = Math.min(limits.max.cpus, host?.cpu_count ?? Infinity);
  const fields = [
    { key: 'memory_mb' as const, label: 'Memory (MB)', min: limits.min.memory_mb, max: maxMemory, step: 256 },
    { key: 'cpus' as const, label: 'vCPU', min: limits.min.cpus, max: maxCpus, step: 0.5 },
    { key: 'storage_gb' as const, label: 'Storage (GB)', min: limits.min.storage_gb, max: limits.max.storage_gb, step: 1 },
  ];
  const base = useId();
  return (
    <Grid columns={{ initial: '1', sm: '3' }} gap="3">
      {fields.map((f) => (
        <Flex key={f.key} direction="column" gap="1">
          <label htmlFor={`${base}-${f.key}`}><Text size="2" weight="medium">{f.label}</Text></label>
          <TextField.Root
            id={`${base}-${f.key}`} type="number" inputMode="decimal" required min={f.min} max={f.max} step={f.step}
            value={String(value[f.key])} aria-describedby={`${base}-${f.key}-range`}
            onChange={(e) => onChange({ ...value, [f.key]: Number(e.target.value) })}
          />
          <Text size="1" color="gray" id={`${base}-${f.key}-range`}>{f.min} to {f.max}</Text>
        </Flex>
      ))}
    </Grid>
  );
}
