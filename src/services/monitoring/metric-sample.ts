import type { InstanceRow } from '../../db/schema.js';

/** The units a figure is reported in. */
export type MetricUnit = 'count' | 'bytes' | 'percent' | 'ratio' | 'per_second' | 'bytes_per_second' | 'ms' | 'seconds';

/**
 * One metrics cycle's reading of one instance: the container's figures (one stats call), its
 * volume against the storage limit, and the engine's own figures with counters already turned
 * into rates between this sample and the previous one (never raw counters).
 */
export interface MetricSample {
  instanceId: number;
  at: Date;
  container: {
    cpuPercent: number;
    memoryUsedBytes: number;
    memoryLimitBytes: number;
    netRxBytes: number;
    netTxBytes: number;
    blockReadBytes: number;
    blockWriteBytes: number;
    pids: number;
    /** The I/O totals above as rates since the previous sample (absent on a first sample or after a restart). */
    rates?: ContainerRates;
  } | null;
  disk: { usedBytes: number; limitBytes: number } | null;
  /** Engine figures by name (e.g. connections, commits_per_second, cache_hit_ratio, database_size_bytes). */
  engine: Record<string, number>;
  /** The unit of each engine figure. */
  units: Record<string, MetricUnit>;
  /** Connections in use and the engine's maximum, where the engine has one (the connections alert). */
  connections?: { current: number; max: number };
  /** Why the engine's figures are missing from this sample (the engine did not answer, say). */
  engineError?: string;
}

/** Network and block I/O per second between two samples. */
export interface ContainerRates {
  netRxBytesPerSecond: number;
  netTxBytesPerSecond: number;
  blockReadBytesPerSecond: number;
  blockWriteBytesPerSecond: number;
}

/** Told of every sample as it is taken (alerts, the Prometheus endpoint's latest values). */
export type SampleListener = (row: InstanceRow, sample: MetricSample) => Promise<void> | void;
