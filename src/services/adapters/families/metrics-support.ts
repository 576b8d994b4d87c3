import type { ExecOptions } from '../../runtime/container-runtime.js';
import type { Figure, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { httpCall, type HttpCall } from './http-client.js';

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

/** Runs argv inside the container (secrets only in `options.env` or stdin) and returns stdout; a non-zero exit throws. */
export async function execText(ep: EngineEndpoint, signal: AbortSignal, argv: string[], options: ExecOptions = {}): Promise<string> {
  const r = await untilAborted(signal, ep.exec(argv, { timeoutMs: SAMPLE_TIMEOUT_MS, ...options }));
  if (r.exitCode !== 0 || r.timedOut) {
    throw new Error(`${argv[0]} exited ${r.timedOut ? 'on its timeout' : r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n').at(-1) ?? ''}`);
  }
  return r.stdout;
}

/** One HTTP call to the engine from the host; anything but a 2xx throws, with the engine's own words. */
export async function httpJson<T>(signal: AbortSignal, call: HttpCall): Promise<T> {
  const answer = await untilAborted(signal, httpCall({ timeoutMs: SAMPLE_TIMEOUT_MS, ...call }));
  const text = answer.body.toString('utf8');
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${call.path.split('?')[0]} answered ${answer.status}: ${text.trim().slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Gauges and counters picked from flat values by name: `[figure or counter name, value]`. */
export function pick(gaugeValues: [string, unknown][], counterValues: [string, unknown][] = []) {
  const gauges: Record<string, number> = {};
  const counters: Record<string, number> = {};
  for (const [k, v] of gaugeValues) { const n = num(v); if (n !== undefined) gauges[k] = n; }
  for (const [k, v] of counterValues) { const n = num(v); if (n !== undefined) counters[k] = n; }
  return { gauges, counters };
}

export type { MetricsRole };
