import { execFile } from 'node:child_process';

export interface CommandResult {
  /** Exit code; 127 when the program is not found, -1 when it was killed by the timeout. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program (argv, no shell) without blocking the event loop. Never throws on failure. */
export type CommandRunner = (file: string, args: string[], options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }) => Promise<CommandResult>;

export const runCommand: CommandRunner = (file, args, options = {}) =>
  new Promise((resolve) => {
    execFile(file, args, { timeout: options.timeoutMs ?? 10_000, maxBuffer: 16 * 1024 * 1024, env: options.env }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: unknown; killed?: boolean }) | null;
      const code = !e ? 0 : e.code === 'ENOENT' ? 127 : e.killed ? -1 : typeof e.code === 'number' ? e.code : 1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (e && !stderr ? e.message : '')) });
    });
  });
