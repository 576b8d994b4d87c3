import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS, MODULE_ID, TABLES } from '../../src/constants.js';
import { ModuleError } from '../../src/errors.js';
import { installationId } from '../../src/services/index.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

// Each instance not on a VNet gets its own labelled network, made in the create and removed with the instance.
let h: FakeHost;
beforeAll(async () => { h = await fakeHost(); });
afterAll(() => h?.close());

const uniq = () => Math.random().toString(36).slice(2, 8);
const instanceNets = () => h.runtime.networks.list({ [LABELS.module]: MODULE_ID, [LABELS.purpose]: 'instance-network' });

describe('per-instance networks (fake runtime)', () => {
  it('two instances get two networks with disjoint subnets, each container only on its own', async () => {
    const a = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    const b = await h.createRunning({ engine: 'postgresql', name: `pg-${uniq()}` });
    const netA = h.runtime.networks.inspect(`${a.container_name}-net`)!;
    const netB = h.runtime.networks.inspect(`${b.container_name}-net`)!;
    expect(netA.labels).toMatchObject({ [LABELS.instance]: String(a.id), [LABELS.installation]: installationId(h.moduleDir), [LABELS.engine]: 'redis' });
    expect(netA.subnet).toMatch(/\/29$/);
    expect(netA.subnet).not.toBe(netB.subnet);
    expect(Object.keys(h.runtime.containers.info(h.runtime.container(a.container_id)!).networks)).toEqual([netA.name]);
    expect(Object.keys(h.runtime.containers.info(h.runtime.container(b.container_id)!).networks)).toEqual([netB.name]);
    // The port is still published on the host.
    expect(h.runtime.container(a.container_id)!.spec.ports[0]).toMatchObject({ hostIp: '127.0.0.1', hostPort: a.port });

    expect((await h.api('DELETE', `/databases/${a.id}`)).status).toBe(200);
    expect(h.runtime.networks.inspect(netA.name)).toBeNull();
    expect((await h.api('DELETE', `/databases/${b.id}?keep_data=true`)).status).toBe(200);
    expect(h.runtime.networks.inspect(netB.name)).toBeNull();
  });

  it('twenty concurrent creates each get a network, none the same subnet', async () => {
    const names = Array.from({ length: 20 }, () => `rd-${uniq()}`);
    const rows = await Promise.all(names.map((name) => h.createRunning({ engine: 'redis', name })));
    const subnets = rows.map((r) => h.runtime.networks.inspect(`${r.container_name}-net`)!.subnet);
    expect(new Set(subnets).size).toBe(20);
    for (const r of rows) expect((await h.api('DELETE', `/databases/${r.id}`)).status).toBe(200);
    expect(instanceNets()).toEqual([]);
  });

  it('a subnet Podman refuses but does not list (used on the host, as root\'s networks are to a rootless Podman) is skipped', async () => {
    const a = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    const freed = h.runtime.networks.inspect(`${a.container_name}-net`)!.subnet!;
    expect((await h.api('DELETE', `/databases/${a.id}`)).status).toBe(200);
    // The subnet just freed is the next one picked; the host has it, so every create of it is refused.
    const onHost = (args: unknown[]) => (args[0] as { subnet?: string }).subnet === freed;
    const before = h.runtime.controls.calls.length;
    h.runtime.controls.failNext('createNetwork', { match: onHost, times: 100, error: () => new ModuleError('INTERNAL', `subnet ${freed} is already used on the host or by another config`) });
    const b = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    const netB = h.runtime.networks.inspect(`${b.container_name}-net`)!;
    expect(netB.subnet).not.toBe(freed);
    expect(h.runtime.controls.calls.slice(before).filter((c) => c.method === 'createNetwork' && onHost(c.args))).toHaveLength(1);
    expect((await h.api('DELETE', `/databases/${b.id}`)).status).toBe(200);
  });

  it('a network of the instance\'s name that is not its own fails the create and is left alone', async () => {
    const name = `rd-${uniq()}`;
    h.runtime.networks.create({ name: `db-${name}-net`, subnet: '10.77.0.0/29', labels: { 'someone.else': 'yes' } });
    const id = (await h.api('POST', '/databases', { engine: 'redis', name })).json.id as number;
    const failed = await h.waitFor(id, ['failed']);
    expect(failed.error_message).toMatch(/network named db-.*-net exists and was not created by this installation/);
    expect((await h.api('DELETE', `/databases/${id}`)).status).toBe(200);
    expect(h.runtime.networks.inspect(`db-${name}-net`)).not.toBeNull();
  });

  it('a create interrupted before its container existed is cleaned up by the reconciler, network included', async () => {
    const name = `pg-${uniq()}`;
    h.runtime.controls.failNext('createContainer');
    const id = (await h.api('POST', '/databases', { engine: 'postgresql', name })).json.id as number;
    await h.waitFor(id, ['failed']);
    expect(h.runtime.networks.inspect(`db-${name}-net`)).not.toBeNull();
    // As a crash would leave it: still creating.
    await h.app.flux.ctx.db.updateTable(TABLES.instances).set({ status: 'creating', started_at: null }).where('id', '=', id).execute();
    await h.api('POST', '/reconcile');
    expect(h.runtime.networks.inspect(`db-${name}-net`)).toBeNull();
    expect((await h.api('GET', `/databases/${id}`)).json.status).toBe('failed');
  });

  it('removing an orphan (a labelled container whose row is gone) removes its network too', async () => {
    const r = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    await h.app.flux.ctx.db.deleteFrom(TABLES.instances).where('id', '=', r.id).execute();
    const report = (await h.api('POST', '/reconcile')).json;
    expect(report.orphans).toContainEqual(expect.objectContaining({ name: r.container_name }));
    expect((await h.api('DELETE', `/orphans/${r.container_name}`)).status).toBe(200);
    expect(h.runtime.container(r.container_id)).toBeUndefined();
    expect(h.runtime.networks.inspect(`${r.container_name}-net`)).toBeNull();
  });

  it('an instance on a VNet gets no network of its own', async () => {
    const r = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}`, vnet_name: `v${uniq()}` });
    expect(h.runtime.networks.inspect(`${r.container_name}-net`)).toBeNull();
    expect(Object.keys(h.runtime.containers.info(h.runtime.container(r.container_id)!).networks)).toEqual([h.runtime.container(r.container_id)!.spec.network!.name]);
    await h.api('DELETE', `/databases/${r.id}`);
  });
});
