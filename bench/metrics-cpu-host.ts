/**
 * The module host as a child process for bench/metrics-cpu.ts: the Flux host stand-in on PGlite at
 * the module's default intervals (only what the parent passes in the environment differs), with no
 * UI build. Prints `listening <url>` once it serves.
 */
import { buildHost } from '../host/build-host.js';
import { loadConfig } from '../src/config.js';

const app = await buildHost(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening ${url}`);
process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
