import type { ExecOptions, ExecResult } from '../../src/services/runtime/container-runtime.js';
import type { FakeContainer } from './fake-containers.js';

/** What a scripted exec answers: a result, or a function of the call. */
export type ExecAnswer = Partial<ExecResult> | ((call: ExecCall) => Partial<ExecResult> | Promise<Partial<ExecResult>>);

/** One exec as the fake saw it (env values included: tests assert secrets went there, not to argv). */
export interface ExecCall {
  container: string;
  argv: string[];
  env: Record<string, string>;
  user?: string;
  stdin?: string;
}

interface ExecRule { pattern: RegExp | ((argv: string[]) => boolean); answer: ExecAnswer; times: number; container?: string }

/**
 * Scripted `podman exec`: rules matched against the argv (a RegExp on `argv.join(' ')`, or a
 * predicate), the most recent rule first; an exec no rule matches succeeds with empty output.
 */
export class FakeExec {
  readonly calls: ExecCall[] = [];
  private readonly rules: ExecRule[] = [];

  /** Answers matching execs with `answer` (`times` of them, default all; only in `container` when given, by name). */
  script(pattern: ExecRule['pattern'], answer: ExecAnswer, options: { times?: number; container?: string } = {}): void {
    this.rules.unshift({ pattern, answer, times: options.times ?? Infinity, container: options.container });
  }

  /** Execs of `container` (by name) whose argv matches. */
  callsMatching(pattern: RegExp, container?: string): ExecCall[] {
    return this.calls.filter((c) => pattern.test(c.argv.join(' ')) && (container === undefined || c.container === container));
  }

  async run(c: FakeContainer, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const call: ExecCall = {
      container: c.name, argv: [...argv], env: { ...options.env },
      ...(options.user ? { user: options.user } : {}),
      ...(typeof options.stdin === 'string' || Buffer.isBuffer(options.stdin) ? { stdin: options.stdin.toString() } : {}),
    };
    this.calls.push(call);
    const rule = this.rules.find((r) => r.times > 0 && (r.container === undefined || r.container === c.name)
      && (typeof r.pattern === 'function' ? r.pattern(argv) : r.pattern.test(argv.join(' '))));
    if (!rule) return { exitCode: 0, stdout: '', stderr: '', timedOut: false };
    rule.times--;
    const answer = typeof rule.answer === 'function' ? await rule.answer(call) : rule.answer;
    return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...answer };
  }
}
