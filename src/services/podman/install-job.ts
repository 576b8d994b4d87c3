import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';

export type StepStatus = 'ok' | 'warn' | 'fail' | 'skipped';

export interface InstallStep {
  name: string;
  run(job: InstallJob): Promise<{ status: StepStatus; message: string }>;
}

export interface InstallStatus {
  id: string;
  state: 'running' | 'succeeded' | 'failed';
  progress: number;
  steps: { name: string; status: StepStatus | 'running' | 'pending'; message: string }[];
  logTail: string[];
  startedAt: string;
  finishedAt: string | null;
}

const LOG_LINES = 40;

/** One run of the install steps in the background; GET /podman/status shows its progress. */
export class InstallJob {
  readonly id = randomUUID();
  private readonly startedAt = new Date().toISOString();
  private finishedAt: string | null = null;
  private readonly log: string[] = [];
  private readonly results: InstallStatus['steps'];
  readonly done: Promise<void>;

  constructor(private readonly steps: InstallStep[]) {
    this.results = steps.map((s) => ({ name: s.name, status: 'pending' as const, message: '' }));
    this.done = this.runAll();
  }

  private async runAll(): Promise<void> {
    for (const [i, step] of this.steps.entries()) {
      const result = this.results[i]!;
      result.status = 'running';
      const outcome = await step.run(this).catch((err: unknown) => ({
        status: 'fail' as const, message: err instanceof Error ? err.message : String(err),
      }));
      Object.assign(result, outcome);
      if (outcome.status === 'fail') break;
    }
    for (const r of this.results) if (r.status === 'pending') Object.assign(r, { status: 'skipped', message: 'an earlier step failed' });
    this.finishedAt = new Date().toISOString();
  }

  appendLog(text: string): void {
    for (const line of text.split('\n')) if (line.trim()) this.log.push(line.trimEnd());
    this.log.splice(0, Math.max(0, this.log.length - LOG_LINES));
  }

  /** Runs a program, its output going to the job's log; resolves with the exit code. */
  exec(argv: string[], timeoutMs = 15 * 60_000): Promise<number> {
    this.appendLog(`$ ${argv.join(' ')}`);
    return new Promise((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1), {
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs,
      });
      child.stdout.on('data', (d: Buffer) => this.appendLog(d.toString()));
      child.stderr.on('data', (d: Buffer) => this.appendLog(d.toString()));
      child.on('error', (err) => { this.appendLog(err.message); resolve(127); });
      child.on('close', (code) => resolve(code ?? -1));
    });
  }

  view(): InstallStatus {
    const finished = this.results.filter((r) => !['pending', 'running'].includes(r.status)).length;
    const failed = this.results.some((r) => r.status === 'fail');
    return {
      id: this.id,
      state: this.finishedAt === null ? 'running' : failed ? 'failed' : 'succeeded',
      progress: Math.round((finished / Math.max(1, this.results.length)) * 100),
      steps: this.results.map((r) => ({ ...r })),
      logTail: [...this.log],
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
    };
  }
}
