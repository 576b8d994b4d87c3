import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEndpoint } from '../../src/services/adapters/families/endpoint.js';
import { listAdapters } from '../../src/services/adapters/registry.js';
import type { MetricsRole } from '../../src/services/adapters/roles/metrics.js';
import { COMMON_FIGURES } from '../../src/services/monitoring/metric-catalog.js';
import { engineFigures } from '../../src/services/monitoring/sample-builder.js';
import { FIXTURES } from './metrics-fixtures.js';

// Every engine's metrics role: well-formed figures and queries, and, for the engines that cannot
// run here, a sample against their documented answers (an HTTP server on loopback, or a scripted
// exec) that yields every declared figure, with the password only where the client reads it
// (a header, the exec's environment), never in argv. The live engines are sampled for real in
// test/podman/metrics.test.ts.
const LIVE = new Set(['mysql', 'postgresql', 'mariadb', 'redis', 'keydb', 'valkey', 'influxdb', 'timescaledb', 'clickhouse', 'duckdb', 'h2']);
const UNITS = new Set(['count', 'bytes', 'percent', 'ratio', 'per_second', 'bytes_per_second', 'ms', 'seconds']);
const PASSWORD = 'Metrics-Secret-Passw0rd';

const adapters = listAdapters();
const withRole = adapters.filter((a) => a.roles.metrics);

interface Seen { paths: string[]; auth: string[]; execs: { argv: string[]; env: Record<string, string>; stdin?: string }[] }

let server: http.Server;
let port = 0;
let answering: { engine: string; step: number; seen: Seen } = { engine: '', step: 0, seen: { paths: [], auth: [], execs: [] } };
beforeAll(async () => {
  server = http.createServer((req, res) => {
    answering.seen.paths.push(req.url ?? '');
    answering.seen.auth.push(String(req.headers.authorization ?? req.headers['x-typesense-api-key'] ?? ''));
    const body = FIXTURES[answering.engine]?.http?.(new URL(req.url ?? '/', 'http://x').pathname, answering.step);
    req.resume();
    req.on('end', () => {
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not scripted' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function endpoint(engine: string, seen: Seen, step: () => number): EngineEndpoint {
  return {
    engine, version: 'x', host: '127.0.0.1', port: () => port, username: 'admin_user', password: PASSWORD, database: 'app', tls: false,
    exec: async (argv, options) => {
      seen.execs.push({ argv, env: options?.env ?? {}, stdin: typeof options?.stdin === 'string' ? options.stdin : undefined });
      const stdout = FIXTURES[engine]?.exec?.(argv, step());
      if (stdout === undefined) return { exitCode: 127, stdout: '', stderr: 'not scripted', timedOut: false };
      return { exitCode: 0, stdout, stderr: '', timedOut: false };
    },
  };
}

describe('metrics roles', () => {
  it('every engine carries one', () => {
    expect(adapters.filter((a) => !a.roles.metrics).map((a) => a.engine)).toEqual([]);
    expect(adapters.every((a) => a.capabilities.supportsMetrics)).toBe(true);
  });

  it.each(withRole.map((a) => [a.engine, a.roles.metrics!] as [string, MetricsRole]))('%s: figures and queries are well-formed', (engine, role) => {
    expect(role.queries.length, engine).toBeGreaterThan(0);
    for (const q of role.queries) expect(q.text.trim().length).toBeGreaterThan(3);
    for (const [name, f] of Object.entries(role.figures)) {
      expect(name, engine).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(UNITS.has(f.unit), `${engine} ${name}: unit ${f.unit}`).toBe(true);
      expect(f.description.length, `${engine} ${name}`).toBeGreaterThan(5);
      if (f.kind === 'rate') expect(['per_second', 'bytes_per_second'], `${engine} ${name}`).toContain(f.unit);
      if (f.kind === 'ratio') expect(f.unit).toBe('ratio');
      // An engine figure may share a name with the module's own only where it means the same thing.
      if (name in COMMON_FIGURES) expect(['connections', 'max_connections'], `${engine} ${name} shadows a container figure`).toContain(name);
    }
  });

  const declared = withRole.filter((a) => !LIVE.has(a.engine));
  it('the engines that cannot run here each have documented answers to be sampled against', () => {
    expect(declared.map((a) => a.engine).filter((e) => !FIXTURES[e])).toEqual([]);
  });

  it.each(declared.map((a) => [a.engine, a.roles.metrics!] as [string, MetricsRole]))('%s: samples every declared figure from its documented answers, the password never in argv', async (engine, role) => {
    const seen: Seen = { paths: [], auth: [], execs: [] };
    let step = 0;
    answering = { engine, step, seen };
    const ep = endpoint(engine, seen, () => step);
    const signal = new AbortController().signal;
    const first = await role.sample(ep, signal);
    step = 1;
    answering = { engine, step, seen };
    const second = await role.sample(ep, signal);
    const { engine: figures } = engineFigures(role, second, { atMs: 0, container: null, counters: first.counters }, 10_000);
    expect(Object.keys(figures).sort(), `${engine} figures`).toEqual(Object.keys(role.figures).sort());
    for (const [name, f] of Object.entries(role.figures)) {
      if (f.kind === 'rate') expect(figures[name], `${engine} ${name}: counters rose between the two answers`).toBeGreaterThan(0);
      if (f.unit === 'ratio') expect(figures[name]).toBeLessThanOrEqual(1);
    }
    for (const e of seen.execs) {
      expect(e.argv.join(' '), `${engine}: argv`).not.toContain(PASSWORD);
      expect(e.stdin ?? '', `${engine}: stdin`).not.toContain(PASSWORD);
    }
    // An engine with authentication is asked with credentials: in a header, or in the exec's environment, or by the container's own OS identity.
    const adapter = adapters.find((a) => a.engine === engine)!;
    if (adapter.capabilities.hasAuthentication && seen.paths.length) {
      expect(seen.auth.every((a) => a.length > 0), `${engine}: every HTTP request authenticated`).toBe(true);
    }
    if (seen.execs.length && engine !== 'oracle' && engine !== 'cockroachdb' && engine !== 'cassandra' && engine !== 'scylladb') {
      expect(seen.execs.every((e) => Object.values(e.env).includes(PASSWORD)), `${engine}: the password in the exec's environment`).toBe(true);
    }
  });
});
