import { execFile } from 'node:child_process';
import { access, chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Starts a throw-away PostgreSQL server (initdb + pg_ctl in a temp dir, on a free port).
 * postgres refuses to run as root, so as root it runs as the `postgres` user via runuser.
 * Throws (never skips) when the server binaries are missing.
 */
export async function startPostgres(): Promise<PostgresServer> {
  await access(path.join(PG_BIN, 'initdb')).catch(() => {
    throw new Error(`PostgreSQL server binaries not found in ${PG_BIN} (set PG_BIN or install postgresql)`);
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'flux-pg-'));
  const asRoot = process.getuid?.() === 0;
  const cmd = async (bin: string, args: string[]) => {
    const exe = path.join(PG_BIN, bin);
    return asRoot ? run('runuser', ['-u', 'postgres', '--', exe, ...args]) : run(exe, args);
  };
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    await chmod(dir, 0o700);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  await cmd('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  await cmd('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start',
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await cmd('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
