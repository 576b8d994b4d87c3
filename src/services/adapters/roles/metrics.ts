import type { MetricUnit } from '../../monitoring/metric-sample.js';
import type { EngineEndpoint } from '../families/endpoint.js';

/**
 * How one engine figure is made from what `sample` reads:
 * - gauge: the value as read (a size, a count now);
 * - rate: a cumulative counter of the engine, turned into a rate per second between two samples
 *   (no rate when the counter went down: the engine restarted);
 * - ratio: hits / (hits + misses) of two counters between two samples (since the engine started
 *   when nothing was read in between).
 */
export type FigureSource =
  | { kind: 'gauge' }
  | { kind: 'rate'; counter: string }
  | { kind: 'ratio'; hits: string; misses: string };

/** One figure an engine reports: its unit, how it is made, and what it means. */
export type Figure = FigureSource & { unit: MetricUnit; description: string };

/**
 * What one `sample` call read: gauges by figure name, raw cumulative counters by counter name.
 * The gauges `connections` and `max_connections`, where an engine has them, also make the
 * sample's `connections` (the connections alert).
 */
export interface EngineReading {
  gauges: Record<string, number>;
  counters: Record<string, number>;
}

/**
 * What `sample` runs, declared so the conformance suite can check it against the engine's
 * documentation: SQL or a client command, an HTTP path, an exec argv (never with a secret).
 */
export interface MetricQuery {
  via: 'sql' | 'redis' | 'http' | 'exec' | 'file';
  text: string;
}

/** The engine's own figures (connections, rates, cache hit ratio, sizes), sampled from the host. */
export interface MetricsRole {
  /** Every figure this engine reports, by the name the API shows. */
  readonly figures: Readonly<Record<string, Figure>>;
  /** What sampling runs against the engine. */
  readonly queries: readonly MetricQuery[];
  /** Reads the engine's figures once; throws when the engine cannot be read. */
  sample(endpoint: EngineEndpoint, signal: AbortSignal): Promise<EngineReading>;
}
