import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHost, type HostApp } from '../../host/build-host.js';
import { bearer, tempDir, testConfig } from '../helpers/host.js';
import { MOUNT } from '../helpers/seed-routes.js';

// An engine without authentication (JanusGraph's Gremlin Server here) stays on 127.0.0.1: the
// create is refused with a 400 before anything exists, for external access and for a VNet.
const ADMIN = 'open-engines-admin-token-0123456789';
let dir: Awaited<ReturnType<typeof tempDir>>;
let app: HostApp;

beforeAll(async () => {
  dir = await tempDir('flux-open-engines-');
  app = await buildHost(testConfig(dir.path, { FLUX_ADMIN_TOKEN: ADMIN, FLUX_DATABASES_START_PODMAN_SERVICE: 'false' }), { logger: false });
});
afterAll(async () => {
  await app?.close();
  await dir?.remove();
});

const post = (body: object) => app.inject({ method: 'POST', url: `${MOUNT}/databases`, headers: bearer(ADMIN), payload: body });

describe('POST /databases for an engine without authentication', () => {
  it.each([
    [{ vnet_name: 'shared-net' }, /cannot join a VNet/],
    [{ external_access: true }, /cannot be exposed beyond 127\.0\.0\.1/],
  ])('refuses %j with a 400 and creates nothing', async (extra, message) => {
    const res = await post({ engine: 'janusgraph', name: 'graph-open', ...extra });
    expect(res.statusCode, res.body).toBe(400);
    expect(JSON.stringify(res.json())).toMatch(message);
    const list = await app.inject({ url: `${MOUNT}/databases`, headers: bearer(ADMIN) });
    expect(list.json()).toEqual([]);
  });
});
