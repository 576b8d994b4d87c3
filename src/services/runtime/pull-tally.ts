import type { ImagePullProgress } from './container-runtime.js';

/**
 * One line of Podman 4.3's compat pull stream (`POST /images/create`). Per blob (12-hex id):
 * "Pulling fs layer", then "Downloading" with progressDetail {current, total} about once a second,
 * then "Download complete"; a blob already in local storage is "Already exists". The last line is
 * "Download complete" with the image id, or `error` (+ errorDetail.message) when the pull failed.
 */
export interface CompatPullEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

interface Blob {
  current: number;
  total: number;
  done: boolean;
}

/** Sums the per-blob events into one progress figure for the whole pull. */
export class PullTally {
  private readonly blobs = new Map<string, Blob>();

  /** Applies one event; true when the figures changed. */
  apply(event: CompatPullEvent): boolean {
    const id = event.id;
    if (!id || event.error) return false;
    const blob = this.blobs.get(id) ?? { current: 0, total: 0, done: false };
    const before = JSON.stringify(blob);
    switch (event.status) {
      case 'Downloading':
        blob.current = Math.max(blob.current, event.progressDetail?.current ?? 0);
        if ((event.progressDetail?.total ?? 0) > 0) blob.total = event.progressDetail!.total!;
        break;
      case 'Download complete':
        blob.done = true;
        if (blob.total > 0) blob.current = blob.total;
        break;
      case 'Already exists':
        blob.done = true;
        break;
      case 'Pulling fs layer':
        break;
      default:
        return false;
    }
    const changed = !this.blobs.has(id) || JSON.stringify(blob) !== before;
    this.blobs.set(id, blob);
    return changed;
  }

  /**
   * The figures now. `configId` (the image id's first 12 hex, known once the pull ended) drops the
   * config blob, which Podman reports like a layer. Percent stays below 100 until `complete`.
   */
  snapshot(complete = false, configId?: string): ImagePullProgress {
    const blobs = [...this.blobs.entries()].filter(([id]) => id !== configId).map(([, b]) => b);
    const bytesDone = blobs.reduce((n, b) => n + b.current, 0);
    const bytesTotal = blobs.reduce((n, b) => n + b.total, 0);
    const layersDone = blobs.filter((b) => b.done).length;
    const layersTotal = blobs.length;
    let percent = bytesTotal > 0 ? (bytesDone * 100) / bytesTotal : layersTotal > 0 ? (layersDone * 100) / layersTotal : 0;
    percent = complete ? 100 : Math.min(99, Math.floor(percent));
    return { layersDone, layersTotal, bytesDone, bytesTotal, percent };
  }
}
