import type Docker from 'dockerode';
import type { StreamExecOptions, StreamExecResult } from './container-runtime.js';
import { startExec } from './exec-socket.js';
import { killExec, waitForExit, type Signal } from './podman-exec.js';
import { runtimeError } from './runtime-errors.js';
import { FrameDemuxer, OutputSlab, StallWatch, TailBuffer } from './stream-frames.js';

type Interruption = NonNullable<StreamExecResult['interrupted']>;

/**
 * Runs argv in the container with stdout streamed into `io.stdout` and `io.stdin` streamed in,
 * demultiplexing the frames here so that a `stdout` that does not drain pauses the socket (and
 * so, through Podman, the process). The stdout of each read is written as one piece: a dump
 * writes in ~4 KiB frames, and a buffer per read and a write per frame took most of the
 * module's CPU during a snapshot. The exec ends with the process, or is killed when nothing
 * moves for `io.stallTimeoutMs`, when `io.signal` aborts, or when either stream fails.
 */
export async function runExecStream(
  docker: Docker, idOrName: string, argv: string[], io: StreamExecOptions, signal: Signal = () => undefined,
): Promise<StreamExecResult> {
  if (argv.length === 0) throw new Error('exec needs a non-empty argv');
  try {
    return await streamed(docker, docker.getContainer(idOrName), argv, io, signal);
  } catch (e) {
    throw runtimeError(`exec ${argv[0]} in`, idOrName, e);
  }
}

async function streamed(docker: Docker, container: Docker.Container, argv: string[], io: StreamExecOptions, signal: Signal): Promise<StreamExecResult> {
  if (io.signal?.aborted) return { exitCode: -1, stderr: '', bytesOut: 0, bytesIn: 0, interrupted: 'cancelled', reason: 'cancelled before it started' };
  const exec = await container.exec({
    Cmd: argv, AttachStdin: io.stdin !== undefined, AttachStdout: true, AttachStderr: true, Tty: false,
    Env: Object.entries(io.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(io.user ? { User: io.user } : {}),
    ...(io.workingDir ? { WorkingDir: io.workingDir } : {}),
    abortSignal: signal(),
  });
  const socketPath = (docker.modem as { socketPath?: string }).socketPath;
  if (!socketPath) throw new Error('a streamed exec needs the API on a unix socket');
  const connection = await startExec(socketPath, exec.id, signal());
  const socket = connection.socket;
  const stderr = new TailBuffer();
  let bytesOut = 0;
  let bytesIn = 0;
  let interrupted: Interruption | undefined;
  let reason: string | undefined;

  let finish!: () => void;
  const ended = new Promise<void>((resolve) => { finish = resolve; });
  const interrupt = (why: Interruption, message: string) => {
    if (interrupted) return;
    interrupted = why;
    reason = message;
    io.stdin?.unpipe(socket);
    finish();
  };
  const stall = new StallWatch(io.stallTimeoutMs, () => interrupt('stalled', `nothing moved for ${Math.round(io.stallTimeoutMs / 1000)} s`));
  const onAbort = () => interrupt('cancelled', 'cancelled');
  io.signal?.addEventListener('abort', onAbort, { once: true });

  const slab = new OutputSlab();
  const demux = new FrameDemuxer((stream, payload) => {
    if (stream === 'stderr') return stderr.push(payload);
    bytesOut += payload.length;
    if (io.stdout) slab.append(payload);
  });
  connection.read((bytes) => {
    stall.touch();
    demux.push(bytes);
    const out = slab.take();
    if (!out || !io.stdout || interrupted) return true;
    // Held back until the consumer drains: the process blocks on a full pipe, nothing piles up here.
    if (io.stdout.write(out)) return true;
    io.stdout.once('drain', () => { stall.touch(); socket.resume(); });
    return false;
  });
  socket.on('end', () => finish());
  socket.on('close', () => finish());
  socket.on('error', (err) => interrupt('output', `the exec stream failed: ${err.message}`));
  const onOutputError = (err: Error) => interrupt('output', `writing the output failed: ${err.message}`);
  io.stdout?.on('error', onOutputError);

  if (io.stdin) {
    const input = io.stdin;
    input.on('data', (chunk: Buffer) => { stall.touch(); bytesIn += chunk.length; });
    // An input that fails must never look like its end: the process is killed, stdin stays open.
    input.once('error', (err) => interrupt('input', `reading the input failed: ${err.message}`));
    input.once('end', () => { if (!interrupted) socket.end(); });
    input.pipe(socket, { end: false });
  }

  try {
    await ended;
  } finally {
    stall.stop();
    io.signal?.removeEventListener('abort', onAbort);
    io.stdout?.off('error', onOutputError);
  }
  if (interrupted) {
    await killExec(docker, container, exec, signal, io.user).catch(() => undefined);
    await Promise.race([new Promise((r) => socket.once('close', r)), new Promise((r) => setTimeout(r, 2000))]);
    socket.destroy();
    const exitCode = await exec.inspect({ abortSignal: signal() }).then((i) => (i.Running ? -1 : i.ExitCode ?? -1)).catch(() => -1);
    return { exitCode, stderr: stderr.toString(), bytesOut, bytesIn, interrupted, reason };
  }
  socket.destroy();
  const exitCode = await waitForExit(exec, signal);
  if (demux.midFrame) return { exitCode, stderr: stderr.toString(), bytesOut, bytesIn, interrupted: 'output', reason: 'the exec stream ended inside a frame' };
  return { exitCode, stderr: stderr.toString(), bytesOut, bytesIn };
}
