import { ModuleError } from '../../src/errors.js';
import type { ImageDetails, PullImageOptions } from '../../src/services/runtime/container-runtime.js';

/** An image a fake registry serves: its layers' sizes and manifest digest, and how a pull of it ends. */
export interface RemoteImage {
  layers: number[];
  digest: string;
  /** Makes the pull fail with this coded error once its layers have moved. */
  fail?: () => ModuleError;
  /** Resolves when the test lets the pull finish (a slow registry). */
  gate?: Promise<void>;
}

/**
 * Images for the fake runtime: local storage (every image exists unless `missing` names it, as the
 * fake always had it) and a registry a pull copies from, reporting per-layer progress.
 */
export class FakeImages {
  readonly remote = new Map<string, RemoteImage>();
  /** Every pull started, by reference (a shared pull counts once). */
  readonly pulls: string[] = [];

  constructor(private readonly missing: Set<string>, private readonly labels: Map<string, Record<string, string>>) {}

  inspect(ref: string): ImageDetails | null {
    if (this.missing.has(ref)) return null;
    const remote = this.remote.get(ref);
    return {
      id: `sha256:${Buffer.from(ref).toString('hex').padEnd(64, '0').slice(0, 64)}`,
      digest: remote?.digest ?? null, repoDigests: remote ? [`${ref.split(':')[0]}@${remote.digest}`] : [],
      sizeBytes: remote ? remote.layers.reduce((a, b) => a + b, 0) : 1, created: null, labels: { ...this.labels.get(ref) },
    };
  }

  async pull(ref: string, options: PullImageOptions = {}): Promise<ImageDetails> {
    this.pulls.push(ref);
    const remote = this.remote.get(ref);
    if (!remote) throw new ModuleError('IMAGE_NOT_FOUND', `Image ${ref} does not exist: the fake registry has no such tag`);
    const total = remote.layers.reduce((a, b) => a + b, 0);
    let done = 0;
    for (const [i, size] of remote.layers.entries()) {
      done += size;
      options.onProgress?.({ layersDone: i + 1, layersTotal: remote.layers.length, bytesDone: done, bytesTotal: total, percent: Math.floor((done * 100) / total) });
      await new Promise((r) => setImmediate(r));
    }
    await remote.gate;
    if (remote.fail) throw remote.fail();
    this.missing.delete(ref);
    return this.inspect(ref)!;
  }
}
