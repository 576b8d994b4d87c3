/**
 * `npm run podman:setup`: the module's own Podman install job run from the command line
 * (packages when missing, the containers.conf fixes for this host's pitfalls, the API service,
 * a smoke container). The same code serves POST /podman/install. Exit 1 when a step failed.
 */
import path from 'node:path';
import { loadConfig } from '../config.js';
import { HostProbe } from '../services/host-probe.js';
import { PodmanManager } from '../services/podman-manager.js';

const config = loadConfig(process.env);
const manager = new PodmanManager({ config, hostProbe: new HostProbe(), logDir: path.join(config.dataDir, 'modules', 'databases', 'logs') });
const request = await manager.install();
if (!request.accepted) {
  console.error(`${request.reason}:\n  ${request.commands.join('\n  ')}`);
  process.exit(1);
}
const job = (await manager.installDone())!;
for (const step of job.steps) console.log(`${step.status.padEnd(7)} ${step.name}: ${step.message}`);
const status = await manager.status();
for (const issue of status.issues) console.log(`issue   ${issue.id}: ${issue.message} (fix: ${issue.fix})`);
process.exit(job.state === 'succeeded' && status.reachable ? 0 : 1);
