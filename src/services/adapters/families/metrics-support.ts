import type { Figure, MetricsRole } from '../roles/metrics.js';

/** How long one engine read may take; the collector's per-instance timeout (FLUX_DATABASES_CHECK_TIMEOUT_S) also applies. */
export const SAMPLE_TIMEOUT_MS = 8000;

/** A number from what an engine answered (drivers give big integers as strings); undefined when it is not one. */
export function num(v: unknown): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number(String(v).trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Keeps the entries that are numbers. */
export function numbers(values: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) {
    const n = num(v);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

/** Rejects as soon as `signal` aborts (the collector's timeout), whatever `work` still does. */
export function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The figures every engine with a connection limit reports. */
export const CONNECTION_FIGURES = {
  connections: { kind: 'gauge', unit: 'count', description: 'client connections open now (the module\'s own sampling connection not counted)' },
  max_connections: { kind: 'gauge', unit: 'count', description: 'the most client connections the engine accepts' },
} as const satisfies Record<string, Figure>;

export type { MetricsRole };
