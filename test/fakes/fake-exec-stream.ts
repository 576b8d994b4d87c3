import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { StreamExecOptions, StreamExecResult } from '../../src/services/runtime/container-runtime.js';
import { StallWatch } from '../../src/services/runtime/stream-frames.js';
import type { FakeContainer } from './fake-containers.js';
import type { ExecCall, FakeExec } from './fake-exec.js';

/** What a scripted streaming exec gets: a backpressured writer for its stdout, its stdin, and a signal for when it is killed. */
export interface FakeStreamIo {
  /** Writes to the exec's stdout; resolves once the consumer drained (as a pipe would hold the process). */
  write(chunk: Buffer | string): Promise<void>;
  /** The whole stdin (tests send small inputs); rejects when the input fails. */
  readStdin(): Promise<Buffer>;
  /** Aborted when the exec is killed (stall, cancel, a failed stream). */
  signal: AbortSignal;
}

/** A scripted process: resolves with how it exited (default 0, no stderr). */
export type StreamHandler = (call: ExecCall, io: FakeStreamIo) => Promise<{ exitCode?: number; stderr?: string } | void>;

interface StreamRule { pattern: RegExp; handler: StreamHandler; times: number; container?: string }

/**
 * Scripted `execStream`, with the real one's contract: backpressure on stdout, stdin streamed, a
 * stall timeout, cancel, and an input or output that fails kills the process. Execs no stream
 * rule matches run FakeExec's rules: their stdout is streamed out, their stdin read in whole.
 */
export class FakeExecStreams {
  private readonly rules: StreamRule[] = [];

  constructor(private readonly execs: FakeExec) {}

  /** Runs `handler` for matching execs (`times` of them, default all; in `container` only when given). */
  script(pattern: RegExp, handler: StreamHandler, options: { times?: number; container?: string } = {}): void {
    this.rules.unshift({ pattern, handler, times: options.times ?? Infinity, container: options.container });
  }

  async run(c: FakeContainer, argv: string[], io: StreamExecOptions): Promise<StreamExecResult> {
    const controller = new AbortController();
    let interrupted: StreamExecResult['interrupted'];
    let reason: string | undefined;
    let bytesOut = 0;
    let bytesIn = 0;
    const interrupt = (why: NonNullable<StreamExecResult['interrupted']>, message: string) => {
      if (interrupted) return;
      interrupted = why;
      reason = message;
      controller.abort(new Error(message));
    };
    const stall = new StallWatch(io.stallTimeoutMs, () => interrupt('stalled', `nothing moved for ${io.stallTimeoutMs} ms`));
    const onAbort = () => interrupt('cancelled', 'cancelled');
    io.signal?.addEventListener('abort', onAbort, { once: true });
    const onOutputError = (err: Error) => interrupt('output', `writing the output failed: ${err.message}`);
    io.stdout?.on('error', onOutputError);
    const stopped = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));

    const write = async (chunk: Buffer | string) => {
      if (controller.signal.aborted) throw controller.signal.reason;
      const b = Buffer.from(chunk);
      bytesOut += b.length;
      stall.touch();
      if (io.stdout && !io.stdout.write(b)) await Promise.race([once(io.stdout, 'drain'), stopped]);
      stall.touch();
    };
    let stdinRead: Promise<Buffer> | undefined;
    const readStdin = () => (stdinRead ??= collect(io.stdin, (n) => { bytesIn += n; stall.touch(); }).catch((err: Error) => {
      interrupt('input', `reading the input failed: ${err.message}`);
      throw err;
    }));

    const call: ExecCall = { container: c.name, argv: [...argv], env: { ...io.env }, ...(io.user ? { user: io.user } : {}) };
    const rule = this.rules.find((r) => r.times > 0 && (r.container === undefined || r.container === c.name) && r.pattern.test(argv.join(' ')));
    const work = (async () => {
      if (rule) {
        rule.times--;
        this.execs.calls.push(call);
        const out = await rule.handler(call, { write, readStdin, signal: controller.signal });
        if (io.stdin) await readStdin();
        return out ?? {};
      }
      const stdin = io.stdin ? (await readStdin()).toString('utf8') : undefined;
      const answer = await this.execs.run(c, argv, { env: io.env, user: io.user, ...(stdin !== undefined ? { stdin } : {}) });
      if (answer.stdout) await write(answer.stdout);
      return { exitCode: answer.exitCode, stderr: answer.stderr };
    })();
    work.catch(() => undefined);
    try {
      const outcome = await Promise.race([work, stopped.then(() => null)]);
      if (interrupted || outcome === null) return { exitCode: -1, stderr: '', bytesOut, bytesIn, interrupted: interrupted ?? 'cancelled', reason };
      return { exitCode: outcome.exitCode ?? 0, stderr: outcome.stderr ?? '', bytesOut, bytesIn };
    } finally {
      stall.stop();
      io.signal?.removeEventListener('abort', onAbort);
      io.stdout?.off('error', onOutputError);
    }
  }
}

async function collect(input: Readable | undefined, onBytes: (n: number) => void): Promise<Buffer> {
  if (!input) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of input) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    chunks.push(b);
    onBytes(b.length);
  }
  return Buffer.concat(chunks);
}
