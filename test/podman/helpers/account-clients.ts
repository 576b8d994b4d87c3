import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where one instance listens on the host, as GET /connection-string returns it. */
export interface Where {
  host: string;
  port: number;
  database: string;
  ports?: Record<string, number>;
}

/** The outcome of one stock-client run: its exit code and what it printed, never thrown. */
export interface ClientRun {
  ok: boolean;
  out: string;
}

/** Runs a stock client with the password in its environment (never argv: `ps` shows argv). */
export async function client(bin: string, args: string[], env: Record<string, string>): Promise<ClientRun> {
  try {
    const { stdout, stderr } = await run(bin, args, { env: { ...process.env, ...env }, timeout: 60_000 });
    return { ok: true, out: `${stdout}${stderr}` };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

/** psql as `user` (PostgreSQL, TimescaleDB, and H2's PostgreSQL-protocol port). */
export const psql = (w: Where, user: string, password: string, sql: string, options: { port?: number; database?: string } = {}) =>
  client('psql', ['-h', w.host, '-p', String(options.port ?? w.port), '-U', user, '-d', options.database ?? w.database, '-v', 'ON_ERROR_STOP=1', '-tAXc', sql],
    { PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' });

/** The mysql or mariadb client as `user`, the password in MYSQL_PWD. */
export const mysqlClient = (bin: 'mysql' | 'mariadb', w: Where, user: string, password: string, sql: string, database: string | null = w.database) =>
  client(bin, ['--protocol=TCP', `--host=${w.host}`, `--port=${w.port}`, `--user=${user}`, ...(database ? [`--database=${database}`] : []), '-NBe', sql], { MYSQL_PWD: password });

/** redis-cli as `user`, the password in REDISCLI_AUTH. It exits 0 on a refused command: callers read its answer. */
export const redisCli = (w: Where, user: string, password: string, ...command: string[]) =>
  client('redis-cli', ['-h', w.host, '-p', String(w.port), '--user', user, '--no-auth-warning', ...command], { REDISCLI_AUTH: password });

/** The influx 1.x shell as `user`, credentials from INFLUX_USERNAME / INFLUX_PASSWORD. */
export const influx = (w: Where, user: string, password: string, statement: string, database = w.database) =>
  client('influx', ['-host', w.host, '-port', String(w.port), '-database', database, '-format', 'csv', '-execute', statement], { INFLUX_USERNAME: user, INFLUX_PASSWORD: password });

/**
 * Samples the host's process list (every process's argv) until `stop` is called; `seen` holds
 * each distinct line. A password in any module-made process's argv would show up here.
 */
export function sampleProcesses(): { stop(): Promise<string[]> } {
  const seen = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = await run('ps', ['-eo', 'args', '--no-headers'], { maxBuffer: 16 * 1024 * 1024 }).catch(() => ({ stdout: '' }));
      for (const line of r.stdout.split('\n')) if (line) seen.add(line);
      await new Promise((res) => setTimeout(res, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...seen];
    },
  };
}

/** Every log line the module wrote, for a check that no secret is among them. */
export function logCapture(): { logger: { level: string; stream: { write(line: string): void } }; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: { level: 'debug', stream: { write: (line: string) => void lines.push(line) } } };
}

/** Names that must never reach an engine: shell and SQL metacharacters, traversal, quotes, over-long, upper case. */
export const HOSTILE_NAMES = [
  'a;b', "x'--", 'x"y', 'a b', '../etc', '..', 'a/b', '$(id)', '`id`', 'a|b', 'a&b', 'Admin', '1abc', '_x',
  'a'.repeat(64), 'x%00y', 'a\\b', 'a*', 'é', 'x\ny',
];
