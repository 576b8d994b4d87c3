import { Redis } from 'ioredis';
import { UNVERIFIED_TLS } from './endpoint.js';

export interface RedisTarget {
  host: string;
  port: number;
  password: string;
  username?: string;
  tls?: boolean;
  timeoutMs?: number;
}

/** One connection for `fn`: one attempt, no retries or offline queue; the caller decides when to ask again. */
export async function withRedis<T>(t: RedisTarget, fn: (client: Redis) => Promise<T>): Promise<T> {
  const timeoutMs = t.timeoutMs ?? 10_000;
  const client = new Redis({
    host: t.host, port: t.port, password: t.password, ...(t.username ? { username: t.username } : {}),
    ...(t.tls ? { tls: UNVERIFIED_TLS } : {}),
    lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, enableReadyCheck: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}
