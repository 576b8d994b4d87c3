import { once } from 'node:events';
import http from 'node:http';
import type { Duplex, Writable } from 'node:stream';
import { BackupToolError } from '../roles/backup.js';

/**
 * Streams for the backup roles that talk to their engine from the host (ClickHouse and InfluxDB over
 * HTTP, H2 over its PostgreSQL protocol): a wait on the engine that lasts longer than the stall
 * timeout fails the tool, and so does the operator's cancel. Time spent waiting on the module's own
 * side (a snapshot file that drains slowly) is not the engine stalling and is not counted.
 */

/** Resolves like `work`, or rejects when it takes longer than `ms` or `signal` aborts. */
export async function raceStall<T>(work: Promise<T>, tool: string, ms: number, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BackupToolError(tool, `nothing moved for ${Math.round(ms / 1000)} s`, null, 'stalled')), ms);
    onAbort = () => reject(new BackupToolError(tool, 'cancelled', null, 'cancelled'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, guard]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** The chunks of `source`, each awaited under the stall timeout; stopping early closes the source. */
export async function* stallGuard(source: AsyncIterable<Buffer>, tool: string, ms: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await raceStall(it.next(), tool, ms, signal);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Not awaited: a source that is stalled may never report that it closed.
    void it.return?.()?.catch(() => undefined);
  }
}

/** Writes with backpressure: waits for `drain` when the destination asks for it. */
export async function writeOut(out: Writable, chunk: Buffer | string): Promise<void> {
  if (out.destroyed) throw new Error('the dump output was closed');
  if (!out.write(chunk)) await once(out, 'drain');
}

export interface HttpStreamCall {
  tool: string;
  /** The connection to the engine (engineSocket: direct, TLS, or relayed by an exec). */
  socket: () => Duplex;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A small body, or one streamed with backpressure (sent chunked). */
  body?: string | AsyncIterable<Buffer>;
  stallTimeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpStreamAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The response body as it comes, under the stall timeout; it must be read or closed. */
  body: AsyncGenerator<Buffer>;
}

/** One HTTP exchange with both bodies streamed; the answer arrives once the request body was sent. */
export async function httpStream(c: HttpStreamCall): Promise<HttpStreamAnswer> {
  const request = http.request({
    // One connection per exchange, closed by the engine after its answer (a relay ends with it).
    host: '127.0.0.1', path: c.path, method: c.method ?? 'POST', headers: { ...c.headers, Connection: 'close' },
    createConnection: () => c.socket() as unknown as import('node:net').Socket,
  });
  const failed = new Promise<never>((_, reject) => request.once('error', reject));
  failed.catch(() => undefined);
  const answered = new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
  let early = false;
  void answered.then(() => { early = true; });
  try {
    if (typeof c.body === 'string' || c.body === undefined) {
      request.end(c.body);
    } else {
      for await (const chunk of c.body) {
        if (!request.write(chunk)) await raceStall(Promise.race([once(request, 'drain'), failed, answered]), c.tool, c.stallTimeoutMs, c.signal);
        // The engine answered before the whole body went: it refused it, and says why in the answer.
        if (early || request.destroyed) break;
      }
      request.end();
    }
    const res = await raceStall(Promise.race([answered, failed]), c.tool, c.stallTimeoutMs, c.signal);
    const body = async function* (): AsyncGenerator<Buffer> {
      try {
        yield* stallGuard(res, c.tool, c.stallTimeoutMs, c.signal);
      } finally {
        // Read to the end, or given up (a stall, a cancel, a failure downstream): the connection goes.
        request.destroy();
      }
    };
    return { status: res.statusCode ?? 0, headers: res.headers, body: body() };
  } catch (err) {
    request.destroy();
    throw err;
  }
}

/** The whole (small) body of an answer, as text. */
export async function readText(body: AsyncIterable<Buffer>, limit = 1 << 20): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    n += chunk.length;
    if (n > limit) throw new Error(`an answer larger than ${limit} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}
