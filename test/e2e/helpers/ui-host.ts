import type { AddressInfo } from 'node:net';
import { startModule, type ModuleUnderTest } from '../../podman/helpers/module-under-test.js';

export { ADMIN, READER } from '../../podman/helpers/module-under-test.js';

export interface UiHost extends ModuleUnderTest {
  /** http://127.0.0.1:PORT: the UI at /, the API under /api/modules/databases. */
  url: string;
}

/**
 * The real host (PGlite store, real Podman, stand-in images) listening on a free loopback port,
 * serving the built UI. Its own port range keeps it clear of the podman tier's instances, and short
 * health and metrics intervals let the Health and Metrics tabs show a check and a point within seconds.
 */
export async function startUiHost(): Promise<UiHost> {
  const module = await startModule({ FLUX_DATABASES_PORT_RANGE: '33000-33199', FLUX_DATABASES_HEALTH_INTERVAL_S: '5', FLUX_DATABASES_METRICS_INTERVAL_S: '5' });
  await module.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = module.app.server.address() as AddressInfo;
  return { ...module, url: `http://127.0.0.1:${port}` };
}
