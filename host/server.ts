import type { AddressInfo } from 'node:net';
import { buildHost } from './build-host.js';
import { configFromEnv } from './config-from-env.js';

const config = configFromEnv();

const app = await buildHost(config);
await app.listen({ host: config.host, port: config.port });
const { port } = app.server.address() as AddressInfo;
const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
console.log(`Flux Databases host on ${url}/ (API ${url}/api/modules/databases, store: ${app.flux.storeKind})`);
console.log(app.flux.tokensFile
  ? `API tokens (admin and read-only) are in ${app.flux.tokensFile}`
  : 'API tokens come from FLUX_ADMIN_TOKEN and FLUX_READ_TOKEN');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().finally(() => process.exit(0));
  });
}
