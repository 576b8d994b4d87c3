/**
 * `npm run podman:setup`: what POST /podman/install does, from the command line (CI runs it
 * before the tests): install Podman if missing, write the containers.conf drop-in for the
 * pitfalls measured on this host, start the API service, run a smoke container.
 * `--drop-in-dir DIR` writes the drop-in elsewhere (to look at it without touching /etc).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HostProbe } from '../src/services/host/host-probe.js';
import { PodmanManager } from '../src/services/podman/podman-manager.js';
import { configFromEnv } from './config-from-env.js';

const { values } = parseArgs({ options: { 'drop-in-dir': { type: 'string' } } });
const config = configFromEnv();

const manager = new PodmanManager({
  config, hostProbe: new HostProbe(), logDir: path.join(config.dataDir, 'modules', 'databases', 'logs'),
  dropInDir: values['drop-in-dir'],
});
const request = await manager.install();
if (!request.accepted) {
  console.error(`${request.reason}:\n${request.commands.map((c) => `  ${c}`).join('\n')}`);
  process.exit(1);
}
const job = (await manager.installDone())!;
for (const s of job.steps) console.log(`${s.status.padEnd(7)} ${s.name}: ${s.message}`);
if (job.state === 'failed') console.error(job.logTail.join('\n'));
for (const issue of (await manager.facts(true)).issues) console.log(`issue   ${issue.id} (${issue.severity}): ${issue.message}`);
process.exit(job.state === 'failed' ? 1 : 0);
