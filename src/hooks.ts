import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { MODULE_ID } from './constants.js';
import type { ModuleContext } from './module-contract.js';
import { schedulerFor } from './services/scheduler/scheduler.js';
import { HostProbe } from './services/host/host-probe.js';
import { PodmanManager } from './services/podman/podman-manager.js';

export const DATA_SUBDIRS = ['containers', 'backups', 'logs', 'tls'] as const;

export interface HookStep {
  action: string;
  status: 'ok' | 'warn' | 'fail' | 'skipped';
  detail: string;
}

export interface HookResult {
  success: boolean;
  steps: HookStep[];
  warnings: string[];
  message: string;
}

/**
 * after_module_enable: data directories (0700), a Podman check (installing only when
 * FLUX_DATABASES_AUTO_INSTALL_PODMAN says so) and the Podman API service. Migrations were
 * applied by the host before. Problems become warnings: the module still enables.
 */
export async function onEnable(ctx: ModuleContext, podman = defaultPodman(ctx)): Promise<HookResult> {
  const steps: HookStep[] = [];
  const warnings: string[] = [];
  for (const dir of DATA_SUBDIRS) {
    const full = path.join(ctx.dataDir, dir);
    await mkdir(full, { recursive: true, mode: 0o700 });
    await chmod(full, 0o700); // mkdir leaves an existing directory's mode alone
    steps.push({ action: `create ${dir}`, status: 'ok', detail: full });
  }

  let facts = await podman.facts(true);
  if (!facts.installed && ctx.config.autoInstallPodman) {
    const request = await podman.install();
    const job = request.accepted ? await podman.installDone() : null;
    const ok = job?.state === 'succeeded';
    steps.push({ action: 'install podman', status: ok ? 'ok' : 'fail', detail: request.accepted ? `install ${job?.state}` : `${request.reason}: ${request.commands.join(' && ')}` });
    if (!ok) warnings.push('Podman installation failed; see GET /podman/status for the log and the commands to run by hand');
    facts = await podman.facts(true);
  } else if (!facts.installed) {
    steps.push({ action: 'check podman', status: 'warn', detail: 'not installed' });
    warnings.push('Podman is not installed: POST /podman/install, or set FLUX_DATABASES_AUTO_INSTALL_PODMAN=true');
  } else {
    steps.push({ action: 'check podman', status: 'ok', detail: `podman ${facts.version}` });
  }

  if (facts.installed && !facts.socket.reachable) {
    if (ctx.config.startPodmanService) {
      const s = await podman.ensureService();
      steps.push({ action: 'start podman API service', status: s.reachable ? 'ok' : 'fail', detail: s.message });
      if (!s.reachable) warnings.push(s.message);
    } else {
      steps.push({ action: 'start podman API service', status: 'skipped', detail: 'FLUX_DATABASES_START_PODMAN_SERVICE=false' });
      warnings.push(`The Podman API does not answer on ${facts.socket.path}`);
    }
  } else if (facts.installed) {
    steps.push({ action: 'podman API service', status: 'ok', detail: `answers on ${facts.socket.path}` });
  }
  for (const issue of (await podman.facts()).issues) {
    if (issue.id !== 'podman_missing' && issue.id !== 'api_socket') warnings.push(`${issue.message} (fix: ${issue.fix})`);
  }
  ctx.logger.info({ steps: steps.length, warnings: warnings.length }, 'databases module enabled');
  return { success: true, steps, warnings, message: `Databases module (ID: ${MODULE_ID}) initialized` };
}

// Only what the hook needs: building every service would start instance machinery here.
function defaultPodman(ctx: ModuleContext): PodmanManager {
  return new PodmanManager({ config: ctx.config, hostProbe: new HostProbe(), logDir: path.join(ctx.dataDir, 'logs') });
}

/** after_module_disable: stops the module's background work; containers and data stay. */
export async function onDisable(ctx: ModuleContext): Promise<{ success: true; message: string }> {
  await schedulerFor(ctx).stopAll();
  ctx.logger.info('databases module disabled');
  return { success: true, message: 'Module disabled. Containers and data remain intact.' };
}
