import type { ModuleLogger } from '../../module-contract.js';
import type { ContainerRuntime, ImageDetails } from '../runtime/container-runtime.js';
import { failedPull, finishedPull, startedPull, withProgress, type PullStatus } from './pull-status.js';
import type { RegistryAuth } from './registry-auth.js';

export interface ImageServiceDeps {
  runtime: Pick<ContainerRuntime, 'pullImage' | 'inspectImage'>;
  auth: Pick<RegistryAuth, 'credentialsFor'>;
  /** Each pull's own limit (FLUX_DATABASES_PULL_TIMEOUT_S). */
  pullTimeoutMs: number;
  logger: ModuleLogger;
  now?: () => Date;
}

/** Called with the pull's status as it moves (and once more when it ends). */
export type PullListener = (status: PullStatus) => void;

interface Pull {
  status: PullStatus;
  listeners: Set<PullListener>;
  controller: AbortController;
  done: Promise<ImageDetails>;
}

/**
 * Pulls images through the runtime, one pull per image reference at a time: creates and pre-pulls
 * of one image that overlap share its pull and its progress. Keeps the last outcome of each
 * reference for GET /images.
 */
export class ImageService {
  private readonly pulls = new Map<string, Pull>();
  private readonly outcomes = new Map<string, PullStatus>();
  private readonly now: () => Date;

  constructor(private readonly deps: ImageServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The image in local storage: as it is when present, else pulled now (joining a pull under way). */
  async ensure(ref: string, onProgress?: PullListener): Promise<ImageDetails> {
    if (!this.pulls.has(ref)) {
      const asked = this.now().toISOString();
      const present = await this.deps.runtime.inspectImage(ref);
      if (present) return present;
      // A pull that ended while we looked has just stored it: look again rather than pull twice.
      const ended = this.pulls.has(ref) ? null : this.outcomes.get(ref);
      if (ended?.state === 'done' && ended.finished_at! >= asked) {
        const stored = await this.deps.runtime.inspectImage(ref);
        if (stored) return stored;
      }
    }
    return this.pull(ref, onProgress);
  }

  /** Starts a pull of `ref`, or joins the one under way; resolves when it has ended. */
  pull(ref: string, onProgress?: PullListener): Promise<ImageDetails> {
    const pull = this.pulls.get(ref) ?? this.start(ref);
    if (!onProgress) return pull.done;
    pull.listeners.add(onProgress);
    onProgress(pull.status);
    return pull.done.finally(() => pull.listeners.delete(onProgress));
  }

  /** A pull in the background (POST /images/pull); returns its status at once. */
  pullInBackground(ref: string): PullStatus {
    this.pull(ref).catch(() => undefined); // the outcome is kept in `outcomes` and logged
    return this.status(ref)!;
  }

  /** The pull under way for `ref`, else its last outcome, else null. */
  status(ref: string): PullStatus | null {
    return this.pulls.get(ref)?.status ?? this.outcomes.get(ref) ?? null;
  }

  /** Every reference with a pull under way or a known outcome. */
  knownPulls(): PullStatus[] {
    const refs = new Set([...this.outcomes.keys(), ...this.pulls.keys()]);
    return [...refs].map((r) => this.status(r)!);
  }

  inspect(ref: string): Promise<ImageDetails | null> {
    return this.deps.runtime.inspectImage(ref);
  }

  /** Cancels every pull under way (module shutdown); their waiters see the failure. */
  close(): void {
    for (const pull of this.pulls.values()) pull.controller.abort(new Error('module shutting down'));
  }

  private start(ref: string): Pull {
    const { runtime, auth, pullTimeoutMs, logger } = this.deps;
    const pull: Pull = { status: startedPull(ref, this.now()), listeners: new Set(), controller: new AbortController() } as Pull;
    const notify = () => { for (const l of pull.listeners) l(pull.status); };
    const started = Date.now();
    logger.info({ image: ref }, 'pulling image');
    pull.done = (async () => {
      const credentials = await auth.credentialsFor(ref);
      const details = await runtime.pullImage(ref, {
        credentials, timeoutMs: pullTimeoutMs, signal: pull.controller.signal,
        onProgress: (p) => { pull.status = withProgress(pull.status, p); notify(); },
      });
      pull.status = finishedPull(pull.status, this.now(), details.digest);
      logger.info({ image: ref, digest: details.digest, bytes: pull.status.bytes_done, ms: Date.now() - started }, 'image pulled');
      return details;
    })().catch((err: unknown) => {
      pull.status = failedPull(pull.status, this.now(), err);
      logger.warn({ image: ref, code: pull.status.error_code, reason: pull.status.error }, 'image pull failed');
      throw err;
    }).finally(() => {
      this.pulls.delete(ref);
      this.outcomes.set(ref, pull.status);
      notify();
    });
    this.pulls.set(ref, pull);
    return pull;
  }
}
