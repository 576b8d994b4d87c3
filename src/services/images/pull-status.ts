import { ModuleError } from '../../errors.js';
import type { ImagePullProgress } from '../runtime/container-runtime.js';

/**
 * One pull as the API and the instance row (`pull_progress`) show it. Bytes and layers are those
 * Podman has announced so far; a layer already in local storage counts as done with no bytes.
 */
export interface PullStatus {
  image: string;
  state: 'pulling' | 'done' | 'failed';
  layers_done: number;
  layers_total: number;
  bytes_done: number;
  bytes_total: number;
  /** 0..100; 100 only once the image is stored. */
  percent: number;
  started_at: string;
  finished_at: string | null;
  /** The manifest digest pulled, once done. */
  digest: string | null;
  /** Why it failed (IMAGE_NOT_FOUND, REGISTRY_UNREACHABLE, REGISTRY_AUTH_FAILED, PULL_TIMEOUT ...). */
  error_code: string | null;
  error: string | null;
}

export function startedPull(image: string, now: Date): PullStatus {
  return {
    image, state: 'pulling', layers_done: 0, layers_total: 0, bytes_done: 0, bytes_total: 0, percent: 0,
    started_at: now.toISOString(), finished_at: null, digest: null, error_code: null, error: null,
  };
}

export function withProgress(status: PullStatus, p: ImagePullProgress): PullStatus {
  return {
    ...status,
    layers_done: p.layersDone, layers_total: p.layersTotal, bytes_done: p.bytesDone, bytes_total: p.bytesTotal,
    percent: status.state === 'pulling' ? Math.min(p.percent, 99) : p.percent,
  };
}

export function finishedPull(status: PullStatus, now: Date, digest: string | null): PullStatus {
  return { ...status, state: 'done', percent: 100, layers_done: status.layers_total, finished_at: now.toISOString(), digest };
}

export function failedPull(status: PullStatus, now: Date, err: unknown): PullStatus {
  return {
    ...status, state: 'failed', finished_at: now.toISOString(),
    error_code: err instanceof ModuleError ? err.code : 'INTERNAL',
    error: err instanceof Error ? err.message : String(err),
  };
}
