import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecOptions, ExecResult } from './container-runtime.js';

export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;
/** Output kept per stream; beyond this the tail is dropped (a runaway command must not eat memory). */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

function collect(sink: PassThrough): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  sink.on('data', (b: Buffer) => {
    if (size >= MAX_OUTPUT_BYTES) return;
    chunks.push(b);
    size += b.length;
  });
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Host pid -> container pids of that process and its descendants, via libpod's top (pid,ppid,hpid). */
async function containerPidsOf(docker: Docker, container: string, hostPid: number, signal: Signal): Promise<number[]> {
  const top = await new Promise<{ Processes?: string[][] }>((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/v4.0.0/libpod/containers/${encodeURIComponent(container)}/top?`,
        method: 'GET',
        options: { ps_args: 'pid,ppid,hpid' },
        abortSignal: signal(),
        statusCodes: { 200: true, 404: 'no such container', 409: 'container not running', 500: 'server error' },
      },
      (err, data) => (err ? reject(err) : resolve(data as { Processes?: string[][] })),
    );
  });
  const rows = (top.Processes ?? []).map((r) => ({ pid: Number(r[0]), ppid: Number(r[1]), hpid: Number(r[2]) }));
  const root = rows.find((r) => r.hpid === hostPid);
  if (!root) return [];
  const tree = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) if (tree.has(r.ppid) && !tree.has(r.pid)) (tree.add(r.pid), (grew = true));
  }
  return [...tree];
}

/**
 * Kills a timed-out exec: its host pid comes from exec inspect, libpod's top maps it to container
 * pids, and a second exec (as the same user, so no CAP_KILL is needed) sends SIGKILL. The shell's
 * builtin kill is used because many images have no /bin/kill; the pids are arguments, not code.
 */
export async function killExec(docker: Docker, container: Docker.Container, exec: Docker.Exec, signal: Signal, user?: string): Promise<void> {
  const info = (await exec.inspect({ abortSignal: signal() })) as Docker.ExecInspectInfo & { Pid?: number };
  if (!info.Running || !info.Pid) return;
  const pids = await containerPidsOf(docker, container.id, info.Pid, signal);
  if (pids.length === 0) return;
  const killer = await container.exec({
    Cmd: ['sh', '-c', 'kill -KILL "$@"', 'kill', ...pids.map(String)],
    AttachStdout: false,
    AttachStderr: false,
    ...(user ? { User: user } : {}),
    abortSignal: signal(),
  });
  await killer.start({ Detach: true, abortSignal: signal() });
}

export async function waitForExit(exec: Docker.Exec, signal: Signal): Promise<number> {
  // Podman may still report Running for a few ms after the stream closed.
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect({ abortSignal: signal() });
    if (!info.Running) return info.ExitCode ?? -1;
    await new Promise((r) => setTimeout(r, 20));
  }
  return -1;
}

/** A fresh abort signal per request (the runtime's request timeout); none by default. */
export type Signal = () => AbortSignal | undefined;

/**
 * Runs argv in the container, demultiplexing stdout/stderr; see ExecOptions for the knobs. Each
 * request around the exec is bounded by `signal`; the attached stream by the exec's own timeout.
 */
export async function runExec(docker: Docker, container: Docker.Container, argv: string[], options: ExecOptions = {}, signal: Signal = () => undefined): Promise<ExecResult> {
  if (argv.length === 0) throw new Error('exec needs a non-empty argv');
  const withStdin = options.stdin !== undefined;
  const exec = await container.exec({
    Cmd: argv,
    AttachStdin: withStdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(options.user ? { User: options.user } : {}),
    ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
    abortSignal: signal(),
  });
  const stream = (await exec.start({ hijack: true, stdin: withStdin })) as NodeJS.ReadWriteStream & { destroy(): void };
  const out = new PassThrough();
  const err = new PassThrough();
  const stdout = collect(out);
  const stderr = collect(err);
  docker.modem.demuxStream(stream, out, err);
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', reject);
  });
  if (withStdin) {
    const input = options.stdin!;
    if (typeof input === 'string' || Buffer.isBuffer(input)) stream.end(input);
    else input.pipe(stream);
  }

  let timedOut = false;
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve();
    }, timeoutMs);
  });
  try {
    await Promise.race([ended, timeout]);
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) {
    await killExec(docker, container, exec, signal, options.user).catch(() => undefined);
    // Give the killed process a moment to close the stream, then drop the connection regardless.
    await Promise.race([ended.catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
    stream.destroy();
  }
  const exitCode = timedOut
    ? await exec.inspect({ abortSignal: signal() }).then((i) => (i.Running ? -1 : i.ExitCode ?? -1)).catch(() => -1)
    : await waitForExit(exec, signal);
  return { exitCode, stdout: stdout(), stderr: stderr(), timedOut };
}
