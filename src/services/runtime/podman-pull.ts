import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { ModuleError } from '../../errors.js';
import type { ImageDetails, PullImageOptions } from './container-runtime.js';
import { parseImageRef, repositoryName } from './image-reference.js';
import { pullError, pullTimeout } from './pull-errors.js';
import { PullTally, type CompatPullEvent } from './pull-tally.js';
import { podmanStatus, runtimeError } from './runtime-errors.js';

const TIMED_OUT = Symbol('pull timed out');
/** An image inspect is one local lookup. */
export const INSPECT_IMAGE_TIMEOUT_MS = 30_000;

/** The lines of the compat pull stream; a line that is not JSON is skipped, never thrown from a stream handler. */
async function* events(stream: Readable): AsyncGenerator<CompatPullEvent> {
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line) as CompatPullEvent;
    } catch {
      // Podman writes one JSON object per line; anything else carries no progress.
    }
  }
}

/** What Podman answered before the stream started (400 for a short name it cannot resolve, 500 ...). */
function earlyFailure(err: unknown): string | null {
  if (podmanStatus(err) === null) return null;
  const json = (err as { json?: { message?: string; cause?: string } }).json;
  return json?.message ?? (err instanceof Error ? err.message : String(err));
}

/**
 * Pulls `ref` through the compat endpoint (the one that reports bytes), calling `onProgress` as
 * blobs move. Always pulls (policy "always"): callers check first whether the image is present.
 * Resolves with the image id's first 12 hex digits; rejects with a coded error from pull-errors.ts.
 */
export async function pullWithProgress(docker: Docker, ref: string, options: PullImageOptions = {}): Promise<string> {
  const controller = new AbortController();
  const timer = options.timeoutMs ? setTimeout(() => controller.abort(TIMED_OUT), options.timeoutMs) : undefined;
  const cancel = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', cancel, { once: true });
  const sentCredentials = Boolean(options.credentials);
  const tally = new PullTally();
  let stream: Readable | undefined;
  const destroy = () => stream?.destroy(new Error('pull aborted'));
  controller.signal.addEventListener('abort', destroy, { once: true });
  try {
    if (options.signal?.aborted) cancel();
    // The credentials travel in the X-Registry-Auth header (dockerode keeps them out of the URL).
    const authconfig = options.credentials
      ? { username: options.credentials.username, password: options.credentials.password, serveraddress: parseImageRef(ref).registry }
      : undefined;
    stream = (await docker.pull(ref, { abortSignal: controller.signal, ...(authconfig ? { authconfig } : {}) })) as Readable;
    if (controller.signal.aborted) destroy();
    let last: CompatPullEvent | undefined;
    for await (const event of events(stream)) {
      const failure = event.error ?? event.errorDetail?.message;
      if (failure) throw pullError(ref, failure, { sentCredentials });
      last = event;
      if (tally.apply(event)) options.onProgress?.(tally.snapshot());
    }
    if (controller.signal.aborted) throw new Error('pull aborted');
    if (!last?.id) throw new ModuleError('INTERNAL', `pull image ${ref}: Podman's stream ended without a result`);
    options.onProgress?.(tally.snapshot(true, last.id));
    return last.id;
  } catch (err) {
    if (controller.signal.reason === TIMED_OUT) throw pullTimeout(ref, options.timeoutMs!);
    if (options.signal?.aborted) throw new ModuleError('INTERNAL', `pull image ${ref} was cancelled`, { cause: err });
    if (err instanceof ModuleError) throw err;
    const early = earlyFailure(err);
    if (early) throw pullError(ref, early, { sentCredentials });
    throw runtimeError('pull image', ref, err);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancel);
  }
}

interface LibpodImage {
  Id?: string;
  Digest?: string;
  RepoDigests?: string[] | null;
  Size?: number;
  Created?: string;
  Labels?: Record<string, string> | null;
}

/** libpod's image inspect, bounded by `signal`; null when the image is not in local storage. */
export function inspectImage(docker: Docker, ref: string, signal: AbortSignal): Promise<ImageDetails | null> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      { path: `/v4.0.0/libpod/images/${ref}/json?`, method: 'GET', abortSignal: signal, statusCodes: { 200: true, 404: 'no such image', 500: 'server error' } } as never,
      (err, data) => {
        if (podmanStatus(err) === 404) return resolve(null);
        if (err) return reject(err);
        resolve(toImageDetails(ref, data as LibpodImage));
      },
    );
  });
}

/** The digest under the reference's own repository (what a pull by that name fetched), else libpod's Digest. */
export function toImageDetails(ref: string, img: LibpodImage): ImageDetails {
  const repo = repositoryName(parseImageRef(ref));
  const repoDigests = img.RepoDigests ?? [];
  const own = repoDigests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1];
  return {
    id: img.Id ?? '',
    digest: own ?? img.Digest ?? null,
    repoDigests,
    sizeBytes: img.Size ?? 0,
    created: img.Created ?? null,
    labels: img.Labels ?? {},
  };
}
