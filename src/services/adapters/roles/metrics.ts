/** The engine's own figures (connections, rates, cache hit ratio, sizes), sampled from the host. */
export interface MetricsRole {
  /** Names of the figures this engine reports, with their units. */
  readonly figures: Readonly<Record<string, string>>;
}
