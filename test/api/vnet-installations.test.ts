import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS, MODULE_ID } from '../../src/constants.js';
import { installationId } from '../../src/services/index.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';

// Two installations of the module (two data directories) on one Podman: same VNet name, two networks.
const podman = new FakeRuntime();
let one: FakeHost;
let two: FakeHost;
beforeAll(async () => {
  one = await fakeHost({ runtime: podman });
  two = await fakeHost({ runtime: podman });
});
afterAll(async () => { await one?.close(); await two?.close(); });

const vnetNetworks = () => podman.networks.list({ [LABELS.module]: MODULE_ID, [LABELS.purpose]: 'vnet' });

describe('VNets are owned per installation', () => {
  it('the same VNet name gives each installation its own labelled network; neither removes the other\'s', async () => {
    const a = await one.createRunning({ engine: 'postgresql', name: 'orders-one', vnet_name: 'shared' });
    const b = await two.createRunning({ engine: 'postgresql', name: 'orders-two', vnet_name: 'shared' });
    const nets = vnetNetworks();
    expect(nets).toHaveLength(2);
    const netOf = (h: FakeHost) => nets.find((n) => n.labels[LABELS.installation] === installationId(h.moduleDir))!;
    expect(netOf(one).name).not.toBe(netOf(two).name);
    expect(netOf(one).subnet).not.toBe(netOf(two).subnet);
    expect(podman.container(a.container_id)!.spec.network!.name).toBe(netOf(one).name);
    expect(podman.container(b.container_id)!.spec.network!.name).toBe(netOf(two).name);

    // Deleting installation one's last instance on it removes only its own network.
    expect((await one.api('DELETE', `/databases/${a.id}`)).status).toBe(200);
    expect(vnetNetworks().map((n) => n.name)).toEqual([netOf(two).name]);
    expect(podman.container(b.container_id)!.state.running).toBe(true);
    expect((await two.api('DELETE', `/databases/${b.id}`)).status).toBe(200);
    expect(vnetNetworks()).toEqual([]);
  });

  it('a network of this VNet\'s name that another installation labelled is refused, never joined', async () => {
    const name = `fluxdb-${installationId(one.moduleDir).slice(0, 8)}-taken`;
    podman.networks.create({ name, subnet: '10.89.200.0/24', labels: { [LABELS.module]: MODULE_ID, [LABELS.installation]: 'someone-else' } });
    const created = await one.api('POST', '/databases', { engine: 'redis', name: 'cache-taken', vnet_name: 'taken' });
    const failed = await one.waitFor(created.json.id, ['failed']);
    expect(failed.error_message).toMatch(/was not created by this installation/);
    expect(podman.networks.inspect(name)).not.toBeNull();
  });
});
