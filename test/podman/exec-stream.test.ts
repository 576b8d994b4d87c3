import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerOrchestrator } from '../../src/services/container-orchestrator.js';
import { b1, newRun, toolsPlan } from './helpers/podman-env.js';
import { ensureToolsImage } from './helpers/tools-image.js';

// The streaming exec on real Podman: stdout with backpressure, stdin streamed, stall, cancel, and a
// failing input that kills the process instead of looking like its end.
const run = newRun('xs');
const orchestrator = new ContainerOrchestrator({ runtime: run.runtime, extraLabels: run.labels });
let id = '';

beforeAll(async () => {
  const image = await ensureToolsImage();
  const { spec } = await orchestrator.build({
    instanceId: 9001, containerName: run.name('stream'), engine: { engine: 'tools' }, image, plan: toolsPlan(), sizing: b1, ports: [], mounts: [],
  });
  id = (await run.runtime.createContainer(spec)).id;
  await run.runtime.startContainer(id);
}, 120_000);
afterAll(async () => {
  await run.cleanup();
  await run.expectNothingLeft();
});

/** A sink that takes `delayMs` per chunk and hashes what it got: a slow disk. */
function slowSink(delayMs: number) {
  const hash = createHash('sha256');
  let bytes = 0;
  let mostQueued = 0;
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _enc, done) {
      mostQueued = Math.max(mostQueued, sink.writableLength);
      hash.update(chunk);
      bytes += chunk.length;
      setTimeout(done, delayMs);
    },
  });
  return { sink, digest: () => hash.digest('hex'), bytes: () => bytes, mostQueued: () => mostQueued };
}

describe('execStream', () => {
  it('streams 32 MB of stdout into a slow consumer without holding it (backpressure), byte for byte', async () => {
    const { sink, digest, bytes, mostQueued } = slowSink(1);
    const rssBefore = process.memoryUsage().rss;
    let rssMax = rssBefore;
    const sampler = setInterval(() => { rssMax = Math.max(rssMax, process.memoryUsage().rss); }, 50);
    const r = await run.runtime.execStream(id, ['perl', '-e', 'print "\\0" x 1048576 for 1..32; print STDERR "done\\n"'], { stdout: sink, stallTimeoutMs: 10_000 });
    clearInterval(sampler);
    // What the runtime handed on and the sink has not written yet is the sink's to finish.
    await new Promise((resolve) => sink.end(resolve));
    expect(r).toMatchObject({ exitCode: 0, bytesOut: 32 * 1024 * 1024 });
    expect(r.stderr).toBe('done\n');
    expect(r.interrupted).toBeUndefined();
    expect(bytes()).toBe(32 * 1024 * 1024);
    expect(digest()).toBe(createHash('sha256').update(Buffer.alloc(32 * 1024 * 1024)).digest('hex'));
    // The consumer is slower than Podman: without backpressure the 32 MB would queue up in front
    // of it. With it, what waits is one read at most (the socket's 256 KiB) past the sink's mark.
    expect(mostQueued()).toBeLessThan(1024 * 1024);
    // Memory: the waiting bytes, plus output already written that the GC has not taken yet.
    expect(rssMax - rssBefore).toBeLessThan(48 * 1024 * 1024);
  }, 120_000);

  it('streams stdin in and stdout out (cat round trip of random data)', async () => {
    const data = randomBytes(5 * 1024 * 1024);
    const out: Buffer[] = [];
    const sink = new Writable({ write(c: Buffer, _e, done) { out.push(c); done(); } });
    const r = await run.runtime.execStream(id, ['cat'], { stdin: Readable.from([data.subarray(0, 1e6), data.subarray(1e6)]), stdout: sink, stallTimeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: 0, bytesIn: data.length, bytesOut: data.length });
    expect(Buffer.concat(out).equals(data)).toBe(true);
  }, 60_000);

  it('a tool that exits non-zero mid-stream says so, with its stderr', async () => {
    const sink = new PassThrough();
    sink.resume();
    const r = await run.runtime.execStream(id, ['perl', '-e', 'print "\\0" x 100000; print STDERR "pg_dump: error: connection lost\\n"; exit 1'], { stdout: sink, stallTimeoutMs: 10_000 });
    expect(r.exitCode).toBe(1);
    expect(r.bytesOut).toBe(100000);
    expect(r.stderr.trim()).toBe('pg_dump: error: connection lost');
  }, 30_000);

  it('a stream where nothing moves fails after the stall timeout and the process is killed', async () => {
    const sink = new PassThrough();
    sink.resume();
    const t0 = Date.now();
    const r = await run.runtime.execStream(id, ['sh', '-c', 'echo started; sleep 41'], { stdout: sink, stallTimeoutMs: 1500 });
    expect(r.interrupted).toBe('stalled');
    expect(Date.now() - t0).toBeLessThan(8000);
    const ps = await run.runtime.exec(id, ['sh', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "; true']);
    expect(ps.stdout).not.toMatch(/sleep 41/);
  }, 30_000);

  it('a slow but moving stream is not a stall (no overall limit)', async () => {
    const sink = new PassThrough();
    sink.resume();
    const r = await run.runtime.execStream(id, ['sh', '-c', 'for i in 1 2 3 4 5 6; do echo $i; sleep 0.5; done'], { stdout: sink, stallTimeoutMs: 1200 });
    expect(r).toMatchObject({ exitCode: 0, bytesOut: 12 });
  }, 30_000);

  it('cancel kills the process', async () => {
    const sink = new PassThrough();
    sink.resume();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const r = await run.runtime.execStream(id, ['sh', '-c', 'while true; do echo x; sleep 0.1; done'], { stdout: sink, stallTimeoutMs: 10_000, signal: controller.signal });
    expect(r.interrupted).toBe('cancelled');
    expect(r.exitCode).not.toBe(0);
  }, 30_000);

  it('an input that fails kills the process: it never sees a clean end of stdin', async () => {
    const input = new PassThrough();
    const sink = new PassThrough();
    const seen: Buffer[] = [];
    sink.on('data', (c: Buffer) => seen.push(c));
    input.write('partial');
    setTimeout(() => input.destroy(new Error('authentication tag mismatch')), 300);
    // It prints only at a clean end of its input.
    const r = await run.runtime.execStream(id, ['perl', '-e', 'local $/; my $d = <STDIN>; print length($d), " finished\\n"'], { stdin: input, stdout: sink, stallTimeoutMs: 10_000 });
    expect(r.interrupted).toBe('input');
    expect(r.reason).toContain('authentication tag mismatch');
    expect(Buffer.concat(seen).toString()).not.toContain('finished');
  }, 30_000);
});
