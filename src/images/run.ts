import { spawn, type SpawnOptions } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Text written to the child's stdin. */
  input?: string;
}

/** Runs argv (never a shell string) and resolves with stdout; rejects with the tail of stderr. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const spawnOpts: SpawnOptions = { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] };
    const child = spawn(cmd, [...args], spawnOpts);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.length > 64_000) err = err.slice(-32_000);
    });
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`, { cause: e })));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(out);
      const tail = (err || out).trim().split('\n').slice(-15).join('\n');
      reject(new Error(`${cmd} ${args.slice(0, 4).join(' ')} ... failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
    if (opts.input !== undefined) {
      child.stdin!.on('error', () => undefined); // a child that exits early closes its stdin
      child.stdin!.end(opts.input);
    }
  });
}

/** `producer | consumer`, both argv; resolves with the consumer's stdout. */
export function pipe(
  producer: [string, readonly string[]],
  consumer: [string, readonly string[]],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const a = spawn(producer[0], [...producer[1]], { stdio: ['ignore', 'pipe', 'pipe'] });
    const b = spawn(consumer[0], [...consumer[1]], { stdio: ['pipe', 'pipe', 'pipe'] });
    a.stdout.pipe(b.stdin);
    let out = '';
    let err = '';
    a.stderr.on('data', (d: Buffer) => (err += d.toString()));
    b.stderr.on('data', (d: Buffer) => (err += d.toString()));
    b.stdout.on('data', (d: Buffer) => (out += d.toString()));
    let aCode: number | null = null;
    const aDone = new Promise<void>((r) => a.on('close', (c) => ((aCode = c), r())));
    a.on('error', reject);
    b.on('error', reject);
    b.on('close', async (code) => {
      await aDone;
      if (code === 0 && aCode === 0) return resolve(out);
      reject(new Error(`${producer[0]} | ${consumer[0]} failed (exit ${aCode} | ${code}):\n${err.trim().split('\n').slice(-15).join('\n')}`));
    });
  });
}
