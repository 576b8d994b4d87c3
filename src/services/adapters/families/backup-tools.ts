import type { Readable, Writable } from 'node:stream';
import type { StreamExecResult } from '../../runtime/container-runtime.js';
import { BackupToolError, type Inventory } from '../roles/backup.js';
import type { EngineEndpoint } from './endpoint.js';

/** The last non-empty line a tool printed (its reason, for the snapshot's error). */
export function lastLine(text: string): string {
  return text.trim().split('\n').map((l) => l.trim()).filter(Boolean).at(-1)?.slice(0, 500) ?? '';
}

export interface ToolRun {
  /** How the tool is named on the snapshot and in errors. */
  tool: string;
  argv: string[];
  env?: Record<string, string>;
  stdout?: Writable;
  stdin?: Readable;
  signal: AbortSignal;
  stallTimeoutMs: number;
}

/** Runs a native tool with streamed stdout/stdin; resolves only when it exited 0 untouched, else a BackupToolError. */
export async function runTool(endpoint: EngineEndpoint, run: ToolRun): Promise<StreamExecResult> {
  if (!endpoint.execStream) throw new BackupToolError(run.tool, 'this instance has no container to run the tool in', null);
  const r = await endpoint.execStream(run.argv, {
    env: run.env, stdout: run.stdout, stdin: run.stdin, signal: run.signal, stallTimeoutMs: run.stallTimeoutMs,
  });
  if (r.interrupted) throw new BackupToolError(run.tool, r.reason ?? lastLine(r.stderr), r.exitCode, r.interrupted);
  if (r.exitCode !== 0) throw new BackupToolError(run.tool, lastLine(r.stderr), r.exitCode);
  return r;
}

/** Runs a short client command (a query, a listing) and returns its stdout; a failure is a BackupToolError. */
export async function runClient(endpoint: EngineEndpoint, tool: string, argv: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<string> {
  const r = await endpoint.exec(argv, { env, timeoutMs });
  if (r.timedOut) throw new BackupToolError(tool, `no answer within ${Math.round(timeoutMs / 1000)} s`, null, 'timed out');
  if (r.exitCode !== 0) throw new BackupToolError(tool, lastLine(r.stderr || r.stdout), r.exitCode);
  return r.stdout;
}

/** `name<TAB>count` lines (what the SQL families' inventory queries print) as an Inventory. */
export function parseCounts(stdout: string): Inventory {
  const out: Inventory = {};
  for (const line of stdout.split('\n')) {
    const m = /^(.+)\t(\d+)$/.exec(line.trimEnd());
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** The first number of a version tag (`17`, `11.8` -> 11, `x86_64_v6.3.4` -> 6); NaN when there is none. */
export function majorOf(version: string): number {
  const dotted = /(\d+)\.\d+/.exec(version);
  return Number((dotted ?? /(\d+)/.exec(version))?.[1] ?? Number.NaN);
}

/** The usual rule: a dump of a newer major version than the instance runs is refused. */
export function newerMajorRefused(display: string, snapshotVersion: string, instanceVersion: string, major = majorOf): string | null {
  const [made, runs] = [major(snapshotVersion), major(instanceVersion)];
  if (Number.isNaN(made) || Number.isNaN(runs)) return snapshotVersion === instanceVersion ? null : `cannot compare ${display} versions ${snapshotVersion} and ${instanceVersion}`;
  return made > runs ? `the snapshot was made on ${display} ${snapshotVersion}, a newer major version than this instance's ${instanceVersion}` : null;
}
