/** Query keys by resource: mutations invalidate by these prefixes. */
export const keys = {
  session: ['session'] as const,
  openapi: ['openapi'] as const,
  engines: ['engines'] as const,
  skus: ['skus'] as const,
  systemInfo: ['system-info'] as const,
  status: ['status'] as const,
  requirements: ['requirements'] as const,
  podman: ['podman'] as const,
  images: ['images'] as const,
  instances: ['instances'] as const,
  instance: (id: number) => ['instances', id] as const,
  connection: (id: number) => ['instances', id, 'connection'] as const,
  health: (id: number, range: string) => ['instances', id, 'health', range] as const,
  metrics: (id: number, range: string) => ['instances', id, 'metrics', range] as const,
  tables: (id: number, pattern: string) => ['instances', id, 'tables', pattern] as const,
  tableSchema: (id: number, ref: string) => ['instances', id, 'table', ref, 'schema'] as const,
  tableData: (id: number, ref: string, page: object) => ['instances', id, 'table', ref, 'data', page] as const,
  logs: (id: number, level: string, lines: number) => ['instances', id, 'logs', level, lines] as const,
  stats: (id: number) => ['instances', id, 'stats'] as const,
  inspect: (id: number) => ['instances', id, 'inspect'] as const,
};

/** How often live figures are polled; TanStack Query pauses an interval while the tab is hidden. */
export const POLL = {
  list: 3_000,
  /** While an instance is being created, started or deleted. */
  busy: 1_000,
  health: 15_000,
  metrics: 30_000,
  logs: 2_000,
  stats: 5_000,
  system: 30_000,
  install: 1_500,
};
