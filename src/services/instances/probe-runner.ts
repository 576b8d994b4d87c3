import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Probe } from '../adapters/types.js';
import type { ProbeOutcome } from '../drivers/instance-driver.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

export interface ProbeTarget {
  containerId: string;
  /** Where the module reaches the engine from the host: 127.0.0.1 + host port, or the VNet IP + container port. */
  address: string;
  portFor(containerPort: number): number;
}

export type { ProbeOutcome };

/**
 * Runs one probe once against one target. The default is runProbe over the real runtime and
 * network; fast tests replace it (test/fakes) to script what the engine answers.
 */
export type Prober = (probe: Probe, target: ProbeTarget, timeoutMs?: number) => Promise<ProbeOutcome>;

export function defaultProber(runtime: ContainerRuntime): Prober {
  return (probe, target, timeoutMs) => runProbe(runtime, probe, target, timeoutMs);
}

/** Runs one adapter probe once. Exec probes get secrets through exec env, never argv. */
export async function runProbe(runtime: ContainerRuntime, probe: Probe, target: ProbeTarget, timeoutMs = 10_000): Promise<ProbeOutcome> {
  const started = performance.now();
  const done = (ok: boolean, message: string) => ({ ok, message, elapsedMs: Math.round(performance.now() - started) });
  try {
    switch (probe.kind) {
      case 'exec': {
        const r = await runtime.exec(target.containerId, probe.argv, { env: probe.env, timeoutMs });
        if (r.timedOut) return done(false, 'probe timed out');
        if (r.exitCode !== 0) return done(false, `exit ${r.exitCode}: ${lastLine(r.stderr || r.stdout)}`);
        if (probe.expectStdout && !probe.expectStdout.test(r.stdout)) return done(false, `unexpected output: ${lastLine(r.stdout)}`);
        return done(true, 'engine answered');
      }
      case 'http': {
        const status = await httpStatus(probe.scheme ?? 'http', target.address, target.portFor(probe.containerPort), probe.path, probe.headers ?? {}, timeoutMs);
        return probe.expectStatus.includes(status) ? done(true, `HTTP ${status}`) : done(false, `HTTP ${status}`);
      }
      case 'tcp': {
        await tcpConnect(target.address, target.portFor(probe.containerPort), timeoutMs);
        return done(true, 'port open');
      }
    }
  } catch (err) {
    return done(false, (err as Error).message);
  }
}

const lastLine = (s: string) => s.trim().split('\n').at(-1)?.slice(0, 300) ?? '';

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('connect timed out')); }, timeoutMs);
    socket.once('connect', () => { clearTimeout(timer); socket.end(); resolve(); });
    socket.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

/** node:http rather than fetch: an engine's own self-signed TLS must not fail the probe. */
function httpStatus(scheme: 'http' | 'https', host: string, port: number, path: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (scheme === 'https' ? https : http).request(
      { host, port, path, headers, timeout: timeoutMs, ...(scheme === 'https' ? { rejectUnauthorized: false } : {}) },
      (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); },
    );
    request.on('timeout', () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
    request.end();
  });
}
