import type { AddressInfo } from 'node:net';
import { buildHost } from './build-host.js';
import { configFromEnv } from './config-from-env.js';
import { ensureUiBuilt } from './ui-build.js';

const config = configFromEnv();

// A fresh clone (or changed frontend sources) gets its UI built before the first page is served.
await ensureUiBuilt({ log: (line) => console.log(line) }).catch((err: Error) => {
  console.error(`The UI could not be built (${err.message}); / shows a placeholder, the API works`);
});
const app = await buildHost(config);
await app.listen({ host: config.host, port: config.port });
const { port } = app.server.address() as AddressInfo;
const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
console.log(`Flux Databases host on ${url}/ (API ${url}/api/modules/databases, store: ${app.flux.storeKind})`);
console.log(app.flux.tokensFile
  ? `API tokens (admin and read-only) are in ${app.flux.tokensFile}`
  : 'API tokens come from FLUX_ADMIN_TOKEN and FLUX_READ_TOKEN');
// A one-time code, not a token: it opens one admin session within 15 minutes, then is worth nothing.
console.log(`Sign in to the UI (one-time link, 15 min): ${url}/sign-in#code=${app.flux.sessions.issueLink()}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().finally(() => process.exit(0));
  });
}
