import { existsSync } from 'node:fs';
import type { CommandRunner } from '../host/command-runner.js';
import type { PodmanFacts, PodmanManager } from './podman-manager.js';
import { renderDropIn, writeDropIn, DROP_IN_NAME } from './containers-conf.js';
import type { InstallStep } from './install-job.js';

const PACKAGES = {
  apt: ['podman', 'runc', 'uidmap', 'slirp4netns'],
  dnf: ['podman', 'runc', 'shadow-utils', 'slirp4netns'],
} as const;

/** Whether we may install: as root, through passwordless sudo, or not at all. */
export async function privilege(uid: number, run: CommandRunner): Promise<'root' | 'sudo' | 'none'> {
  if (uid === 0) return 'root';
  return (await run('sudo', ['-n', 'true'], { timeoutMs: 5000 })).code === 0 ? 'sudo' : 'none';
}

function packageManager(): 'apt' | 'dnf' | null {
  const onPath = (bin: string) => ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((d) => existsSync(`${d}/${bin}`));
  return onPath('apt-get') ? 'apt' : onPath('dnf') ? 'dnf' : null;
}

function installArgv(pm: 'apt' | 'dnf', packages: readonly string[]): string[][] {
  return pm === 'apt'
    ? [['apt-get', 'update'], ['apt-get', 'install', '-y', ...packages]]
    : [['dnf', 'install', '-y', ...packages]];
}

/** The commands an administrator runs by hand when the module may not. */
export function manualCommands(facts: PodmanFacts, dropInDir: string): string[] {
  const pm = packageManager() ?? 'apt';
  const cmds = facts.installed ? [] : installArgv(pm, PACKAGES[pm]).map((a) => `sudo ${a.join(' ')}`);
  const content = renderDropIn(facts.dropIn);
  if (facts.dropIn.nofile || facts.dropIn.nproc || facts.dropIn.runtime) {
    cmds.push(`mkdir -p ${dropInDir} && printf '%s' '${content.replaceAll("'", "'\\''")}' > ${dropInDir}/${DROP_IN_NAME}`);
  }
  if (!facts.socket.reachable) cmds.push(`podman system service --time=0 unix://${facts.socket.path} &`);
  return cmds;
}

async function findSmokeImage(run: CommandRunner): Promise<string | null> {
  const out = await run('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { timeoutMs: 20_000 });
  const refs = out.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.includes('<none>'));
  // Stand-ins are known to have `true`; an arbitrary image may not.
  return refs.find((r) => r.startsWith('localhost/flux-standin-')) ?? null;
}

/** Install packages if needed, write the drop-in, start the API service, run a smoke container. */
export function installSteps(deps: { manager: PodmanManager; sudo: boolean; run: CommandRunner }): InstallStep[] {
  const { manager, run } = deps;
  const asAdmin = (argv: string[]) => (deps.sudo ? ['sudo', '-n', ...argv] : argv);
  return [
    {
      name: 'packages',
      async run(job) {
        const facts = await manager.facts(true);
        const wanted = !facts.installed ? 'all' : facts.cgroupVersion !== 'v2' && !facts.runcAvailable ? 'runc' : null;
        if (!wanted) return { status: 'ok', message: `Podman ${facts.version} already installed` };
        const pm = packageManager();
        if (!pm) return { status: 'fail', message: 'no supported package manager (apt-get or dnf) found; install podman and runc by hand' };
        const packages = wanted === 'all' ? PACKAGES[pm] : ['runc'];
        for (const argv of installArgv(pm, packages)) {
          const code = await job.exec(asAdmin(argv));
          if (code !== 0) return { status: 'fail', message: `${argv.join(' ')} exited with code ${code}` };
        }
        return { status: 'ok', message: `installed ${packages.join(', ')} with ${pm}` };
      },
    },
    {
      name: 'fixes',
      async run(job) {
        const facts = await manager.facts(true);
        const written = await writeDropIn(manager.dropInDir, facts.dropIn);
        if (written.content) job.appendLog(`${written.path}:\n${written.content}`);
        const fixes = (['runtime', 'nofile', 'nproc'] as const).filter((k) => facts.dropIn[k]).map((k) => `${k}=${facts.dropIn[k]}`);
        if (!written.content) return { status: 'ok', message: 'no containers.conf fix needed' };
        const message = `${written.changed ? 'wrote' : 'kept'} ${written.path} (${fixes.join(', ')})`;
        // Measured: a running `podman system service` keeps the defaults it started with.
        if (written.changed && facts.socket.reachable) {
          return { status: 'warn', message: `${message}; the running Podman API service on ${facts.socket.path} applies it only after a restart` };
        }
        return { status: 'ok', message };
      },
    },
    {
      name: 'service',
      async run() {
        const s = await manager.ensureService();
        return { status: s.reachable ? 'ok' : 'fail', message: s.message };
      },
    },
    {
      name: 'smoke',
      async run(job) {
        const image = await findSmokeImage(run);
        if (!image) return { status: 'skipped', message: 'no localhost/flux-standin-* image to run a smoke container with (not pulling one); build the stand-ins with `npm run images`' };
        const code = await job.exec(['podman', 'run', '--rm', '--network=none', '--entrypoint', 'true', image], 120_000);
        return code === 0
          ? { status: 'ok', message: `smoke container from ${image} ran` }
          : { status: 'fail', message: `smoke container from ${image} failed (exit ${code}); see the log` };
      },
    },
  ];
}
