/**
 * The baselines: testcontainers-node (GenericContainer with a log-message wait, as its
 * PostgreSQL module waits) and the Podman CLI (`podman run -d`, then polling from the host).
 * Each returns when the engine answers from the host, and removes what it started.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { redisPing, selectOne, until } from './bench-clients.js';

const run = promisify(execFile);
export const BENCH_LABEL = 'io.flux.databases.bench';
const secret = () => randomBytes(12).toString('hex');

/** testcontainers talks to Podman's Docker-compatible socket; Ryuk (its reaper container) stays off: we remove our own. */
export function useSocketForTestcontainers(socket: string): void {
  process.env.DOCKER_HOST = `unix://${socket}`;
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
}

/** testcontainers start -> first `select 1` from the host, in ms. */
export async function testcontainersPostgres(image: string): Promise<number> {
  const password = secret();
  const t0 = performance.now();
  let started: StartedTestContainer | undefined;
  try {
    started = await new GenericContainer(image)
      .withEnvironment({ POSTGRES_USER: 'bench', POSTGRES_PASSWORD: password, POSTGRES_DB: 'app' })
      .withExposedPorts(5432)
      .withLabels({ [BENCH_LABEL]: '1' })
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/))
      .withStartupTimeout(120_000)
      .start();
    const c = started;
    await until(() => selectOne({ host: c.getHost(), port: c.getMappedPort(5432), user: 'bench', password, database: 'app' }), 'testcontainers postgres', 10);
    return performance.now() - t0;
  } finally {
    await started?.stop({ remove: true, removeVolumes: true }).catch(() => undefined);
  }
}

/** `podman run -d` -> first `select 1` from the host (polled every 50 ms), in ms. */
export async function podmanRunPostgres(image: string, port: number): Promise<number> {
  const password = secret();
  const name = `bench-cli-${secret().slice(0, 8)}`;
  const t0 = performance.now();
  try {
    await run('podman', ['run', '-d', '--name', name, '--label', `${BENCH_LABEL}=1`, '-p', `127.0.0.1:${port}:5432`,
      '-e', 'POSTGRES_USER=bench', '-e', `POSTGRES_PASSWORD=${password}`, '-e', 'POSTGRES_DB=app', image]);
    await until(() => selectOne({ host: '127.0.0.1', port, user: 'bench', password, database: 'app' }), 'podman run postgres', 50);
    return performance.now() - t0;
  } finally {
    await run('podman', ['rm', '-f', '-t', '0', name]).catch(() => undefined);
  }
}

/** `count` concurrent `podman run -d` of Redis, each until an authenticated PING answers; wall time in ms. */
export async function podmanRunRedisFleet(image: string, ports: number[]): Promise<number> {
  const password = secret();
  const names = ports.map(() => `bench-cli-redis-${secret().slice(0, 8)}`);
  const t0 = performance.now();
  try {
    await Promise.all(ports.map(async (port, i) => {
      await run('podman', ['run', '-d', '--name', names[i]!, '--label', `${BENCH_LABEL}=1`, '-p', `127.0.0.1:${port}:6379`,
        image, 'redis-server', '--requirepass', password]);
      await until(() => redisPing(port, password), `podman run redis ${i}`, 50);
    }));
    return performance.now() - t0;
  } finally {
    await Promise.all(names.map((n) => run('podman', ['rm', '-f', '-t', '0', n]).catch(() => undefined)));
  }
}
