import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usedPorts } from '../../src/db/repositories/instances.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

// Ports an engine publishes besides its primary one (EnginePort.publish): each gets a host port of
// its own, recorded on the row, published, probed and returned. The real clickhouse-client over
// that port is test/podman/stock-clients.test.ts.
let h: FakeHost;
beforeAll(async () => { h = await fakeHost(); });
afterAll(() => h?.close());

const uniq = () => Math.random().toString(36).slice(2, 8);

describe('published non-primary ports (fake runtime)', () => {
  it("gives ClickHouse's native port a host port of its own, held like the primary one", async () => {
    const name = `ch-${uniq()}`;
    const row = await h.createRunning({ engine: 'clickhouse', version: '18.16', name, sku: 'b2' });
    const spec = h.runtime.container(`db-${name}`)!.spec;
    const http = spec.ports.find((p) => p.containerPort === 8123)!;
    const native = spec.ports.find((p) => p.containerPort === 9000)!;
    expect(http.hostPort).toBe(row.port);
    expect(native).toMatchObject({ hostIp: '127.0.0.1' });
    expect(native.hostPort).not.toBe(row.port);
    // The allocator will not hand the native port to the next instance.
    expect(await usedPorts(h.app.flux.ctx.db)).toContain(native.hostPort);

    const conn = (await h.api('GET', `/databases/${row.id}/connection-string`)).json;
    expect(conn.ports).toEqual({ native: native.hostPort });
    expect(conn.commands['clickhouse-client'].argv).toContain(`--port=${native.hostPort}`);
    expect(conn.commands['clickhouse-client'].argv).toContain(`--password=${conn.password}`);
    const asReader = (await h.api('GET', `/databases/${row.id}/connection-string`, undefined, { as: 'read' })).json;
    expect(JSON.stringify(asReader)).not.toContain(conn.password);
    expect(asReader.commands['clickhouse-client'].argv).toContain(`--port=${native.hostPort}`);
  });

  it('publishes only the primary port of an engine that marks no other', async () => {
    const name = `pg-${uniq()}`;
    const row = await h.createRunning({ engine: 'postgresql', name, sku: 'b2' });
    expect(h.runtime.container(`db-${name}`)!.spec.ports.map((p) => p.hostPort)).toEqual([row.port]);
    const conn = (await h.api('GET', `/databases/${row.id}/connection-string`)).json;
    expect(conn.ports).toBeUndefined();
    expect(conn.commands).toEqual({});
    expect(conn.connection_string).toMatch(/^postgresql:\/\//);
  });

  it('returns the Redis URI with the default user, so redis-cli 7.0 authenticates', async () => {
    const row = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}`, sku: 'b2' });
    const conn = (await h.api('GET', `/databases/${row.id}/connection-string`)).json;
    expect(conn.connection_string).toBe(`redis://default:${encodeURIComponent(conn.password)}@127.0.0.1:${row.port}/0`);
  });
});
