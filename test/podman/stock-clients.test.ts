import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READER, startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// Each live engine's own command-line client, run on the host with exactly what
// GET /connection-string returned: the URI where the client takes one (psql, redis-cli), else the
// returned command (argv and env), with only the statement appended. Debian's packages:
// postgresql-client, mariadb-client, redis-tools, clickhouse-client, influxdb-client, libh2-java.
const run = promisify(execFile);

interface Command { argv: string[]; env?: Record<string, string> }
interface Returned {
  connection_string: string;
  password?: string;
  ports?: Record<string, number>;
  commands?: Record<string, Command>;
}

async function runCommand(command: Command | undefined, statement: string[]): Promise<string> {
  if (!command) throw new Error('the route returned no command for this client');
  const [bin, ...args] = command.argv;
  const { stdout } = await run(bin!, [...args, ...statement], { env: { ...process.env, ...command.env }, timeout: 60_000 });
  return stdout;
}

/** Writes `value`, then returns every value read back, through the engine's stock client. */
interface StockClient {
  name: string;
  write(c: Returned, value: string): Promise<void>;
  read(c: Returned): Promise<string[]>;
}

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

const psql: StockClient = {
  name: 'psql',
  write: async (c, v) => {
    await run('psql', [c.connection_string, '-v', 'ON_ERROR_STOP=1', '-c', 'CREATE TABLE IF NOT EXISTS stock (v text)', '-c', `INSERT INTO stock VALUES ('${v}')`]);
  },
  read: async (c) => lines((await run('psql', [c.connection_string, '-v', 'ON_ERROR_STOP=1', '-tAc', 'SELECT v FROM stock'])).stdout),
};

const mysqlFamily = (client: 'mysql' | 'mariadb'): StockClient => ({
  name: client,
  write: async (c, v) => {
    await runCommand(c.commands?.[client], ['-e', `CREATE TABLE IF NOT EXISTS stock (v varchar(64)); INSERT INTO stock VALUES ('${v}')`]);
  },
  read: async (c) => lines(await runCommand(c.commands?.[client], ['-N', '-B', '-e', 'SELECT v FROM stock'])),
});

/** redis-cli exits 0 on some errors: its answer is checked, not only its exit code. */
const redisCli: StockClient = {
  name: 'redis-cli',
  write: async (c, v) => {
    const { stdout } = await run('redis-cli', ['-u', c.connection_string, 'SADD', 'stock', v]);
    expect(stdout.trim()).toBe('1');
  },
  read: async (c) => lines((await run('redis-cli', ['-u', c.connection_string, 'SMEMBERS', 'stock'])).stdout),
};

const clickhouseClient: StockClient = {
  name: 'clickhouse-client',
  write: async (c, v) => {
    const cmd = c.commands?.['clickhouse-client'];
    await runCommand(cmd, ['--query', 'CREATE TABLE IF NOT EXISTS stock (v String) ENGINE = MergeTree ORDER BY v']);
    await runCommand(cmd, ['--query', `INSERT INTO stock VALUES ('${v}')`]);
  },
  read: async (c) => lines(await runCommand(c.commands?.['clickhouse-client'], ['--query', 'SELECT v FROM stock'])),
};

const influx: StockClient = {
  name: 'influx',
  write: async (c, v) => {
    await runCommand(c.commands?.influx, ['-execute', `INSERT stock v="${v}"`]);
  },
  // CSV: name,time,v
  read: async (c) => lines(await runCommand(c.commands?.influx, ['-format', 'csv', '-execute', 'SELECT v FROM stock']))
    .slice(1).map((l) => l.split(',').at(-1)!),
};

const h2Shell: StockClient = {
  name: 'h2-shell',
  write: async (c, v) => {
    await runCommand(c.commands?.['h2-shell'], ['-sql', `CREATE TABLE IF NOT EXISTS STOCK (V VARCHAR(64)); INSERT INTO STOCK VALUES ('${v}')`]);
  },
  // The Shell prints a header line, the rows, and "(n rows, m ms)".
  read: async (c) => lines(await runCommand(c.commands?.['h2-shell'], ['-sql', 'SELECT V FROM STOCK'])).filter((l) => l !== 'V' && !l.startsWith('(')),
};

const CLIENTS: Record<string, StockClient> = {
  postgresql: psql, timescaledb: psql, mysql: mysqlFamily('mysql'), mariadb: mysqlFamily('mariadb'),
  redis: redisCli, valkey: redisCli, keydb: redisCli, clickhouse: clickhouseClient, influxdb: influx, h2: h2Shell,
};
const ENGINES = (process.env.ENGINES?.split(',') ?? Object.keys(CLIENTS)).filter((e) => e in CLIENTS);

let m: ModuleUnderTest;
beforeAll(async () => { m = await startModule(); });
afterAll(async () => {
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

describe.each(ENGINES)('%s', (engine) => {
  const client = CLIENTS[engine]!;
  it(`answers ${client.name} with the connection details as returned`, async () => {
    const suffix = randomBytes(3).toString('hex');
    const created = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name: `stock-${engine}-${suffix}`, sku: 'b1' });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const id = created.body.id as number;
    await m.waitFor(id, ['running']);
    const returned = (await m.api<Returned>('GET', `/databases/${id}/connection-string`)).body;
    expect(returned.password).toBeTruthy();

    // A reader gets the same commands without the secret.
    const asReader = (await m.api<Returned>('GET', `/databases/${id}/connection-string`, undefined, READER)).body;
    expect(JSON.stringify(asReader)).not.toContain(returned.password!);
    expect(Object.keys(asReader.commands ?? {})).toEqual(Object.keys(returned.commands ?? {}));

    const value = `stock-${suffix}`;
    await client.write(returned, value);
    expect(await client.read(returned)).toEqual([value]);
    expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
  });
});
