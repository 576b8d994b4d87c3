import net from 'node:net';
import { Duplex, PassThrough, Writable } from 'node:stream';
import tls from 'node:tls';
import type { EngineEndpoint } from './endpoint.js';
import { UNVERIFIED_TLS } from './endpoint.js';

/**
 * Relays one TCP connection between the exec's stdin/stdout and a port inside the container, with
 * bash's /dev/tcp (every image these roles serve has bash and cat). A constant script: the port
 * comes from the environment.
 */
const RELAY = 'exec 3<>"/dev/tcp/127.0.0.1/$FLUX_RELAY_PORT" || exit 1; cat <&3 & cat >&3; wait';
/** The relay lives as long as its connection; the role's own stall guards watch the traffic. */
const RELAY_IDLE_MS = 6 * 3600_000;

/**
 * A TCP connection to the engine's port inside the container, carried by an exec: for an endpoint
 * the host cannot reach (a restore drill's container has no network). Looks enough like a net.Socket
 * for node:http (createConnection) and pg (stream).
 */
class RelaySocket extends Duplex {
  private readonly toEngine = new PassThrough();
  private resumeEngine: (() => void) | undefined;
  private readonly stopped = new AbortController();

  constructor(ep: EngineEndpoint, port: number) {
    super();
    if (!ep.execStream) throw new Error('the engine is reachable neither from the host nor through an exec');
    const fromEngine = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        if (this.push(chunk)) done();
        else this.resumeEngine = done;
      },
    });
    ep.execStream(['bash', '-c', RELAY], {
      env: { FLUX_RELAY_PORT: String(port) }, stdin: this.toEngine, stdout: fromEngine, stallTimeoutMs: RELAY_IDLE_MS, signal: this.stopped.signal,
    }).then((r) => {
      if (r.exitCode !== 0 && !this.stopped.signal.aborted) this.destroy(new Error(`the relay to port ${port} ended (exit ${r.exitCode}): ${r.stderr.trim().slice(-200)}`));
      else this.push(null);
    }, (err: Error) => this.destroy(err));
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.toEngine.write(chunk)) done();
    else this.toEngine.once('drain', () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.toEngine.end();
    done();
  }

  override _read(): void {
    const resume = this.resumeEngine;
    this.resumeEngine = undefined;
    resume?.();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.stopped.abort();
    this.toEngine.destroy();
    done(err);
  }

  /** What pg calls on its stream: the relay is connected as soon as it exists. */
  connect(): this {
    process.nextTick(() => this.emit('connect'));
    return this;
  }

  setNoDelay(): this { return this; }
  setKeepAlive(): this { return this; }
  setTimeout(): this { return this; }
  ref(): this { return this; }
  unref(): this { return this; }
}

/** Whether the module reaches the engine's ports from the host (else through an exec relay). */
export const hostReaches = (ep: EngineEndpoint): boolean => ep.host !== '';

/** A connection to one of the engine's container ports: direct from the host, or relayed by an exec. */
export function engineSocket(ep: EngineEndpoint, containerPort: number, useTls = false): Duplex {
  if (hostReaches(ep)) {
    const options = { host: ep.host, port: ep.port(containerPort) };
    return useTls ? tls.connect({ ...options, ...UNVERIFIED_TLS }) : net.connect(options);
  }
  const relay = new RelaySocket(ep, containerPort);
  return useTls ? tls.connect({ socket: relay as unknown as net.Socket, ...UNVERIFIED_TLS }) : relay;
}
