/**
 * A real OCI registry for the podman tier: Debian's `docker-registry` (distribution 2.8) serving a
 * filesystem store on 127.0.0.1, optionally behind htpasswd basic auth. No TLS: Podman reaches these
 * addresses as insecure registries (see test-registry.ts, which writes the registries.conf drop-in).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RegistryOptions {
  /** Holds config.yml, the log and (with auth) the htpasswd file. */
  dir: string;
  port: number;
  /** The blob and manifest store; two registries may serve one store (the second read-only). */
  storage: string;
  /** bcrypt htpasswd content: the registry then answers 401 without valid credentials. */
  htpasswd?: string;
  readOnly?: boolean;
}

export interface RegistryProcess {
  port: number;
  /** host:port as Podman names it in image references. */
  address: string;
  pid: number;
  /** SIGTERM to this process only, then waits until the port no longer answers. */
  stop(): Promise<void>;
}

function configYaml(o: RegistryOptions): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${o.storage}`,
    '  delete:',
    '    enabled: true',
    ...(o.readOnly ? ['  maintenance:', '    readonly:', '      enabled: true'] : []),
    'http:',
    `  addr: 127.0.0.1:${o.port}`,
    ...(o.htpasswd ? ['auth:', '  htpasswd:', '    realm: flux-test', `    path: ${path.join(o.dir, 'htpasswd')}`] : []),
    '',
  ].join('\n');
}

/** A bcrypt htpasswd line (apache2-utils' htpasswd; the password goes on stdin, not argv). */
export function htpasswdLine(user: string, password: string): string {
  return execFileSync('htpasswd', ['-iBn', user], { input: `${password}\n` }).toString();
}

/** Whether a registry answers on the port (200, or 401 when it wants credentials). */
export async function registryAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.status === 200 || res.status === 401;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `docker-registry serve` and waits until it answers. `detached` lets it outlive the test
 * process (the mirror of the machine preparation); otherwise it belongs to the caller, who stops it.
 */
export async function startRegistry(o: RegistryOptions, options: { detached?: boolean } = {}): Promise<RegistryProcess> {
  if (await registryAnswers(o.port)) throw new Error(`something already answers on 127.0.0.1:${o.port}`);
  await mkdir(o.dir, { recursive: true });
  await mkdir(o.storage, { recursive: true });
  if (o.htpasswd) await writeFile(path.join(o.dir, 'htpasswd'), o.htpasswd, { mode: 0o600 });
  const config = path.join(o.dir, 'config.yml');
  await writeFile(config, configYaml(o));
  const log = await open(path.join(o.dir, 'registry.log'), 'a', 0o600);
  const child = spawn('docker-registry', ['serve', config], { detached: options.detached ?? false, stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  const spawned = new Promise<Error>((resolve) => child.once('error', resolve));
  if (options.detached) child.unref();
  const pid = child.pid;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const failed = await Promise.race([spawned, sleep(100).then(() => null)]);
    if (failed) throw new Error(`docker-registry did not start: ${failed.message} (apt-get install docker-registry)`);
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}; see ${o.dir}/registry.log`);
    if (await registryAnswers(o.port, 500)) break;
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer on 127.0.0.1:${o.port}; see ${o.dir}/registry.log`);
  }
  return {
    port: o.port, address: `127.0.0.1:${o.port}`, pid: pid!,
    async stop() {
      if (alive(pid!)) process.kill(pid!, 'SIGTERM');
      for (let i = 0; i < 100 && (await registryAnswers(o.port, 200)); i++) await sleep(100);
    },
  };
}
