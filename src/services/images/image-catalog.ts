import { badRequest } from '../../errors.js';
import { getAdapter, listAdapters, resolveImage } from '../adapters/registry.js';
import type { EngineId } from '../adapters/types.js';
import type { ImageDetails } from '../runtime/container-runtime.js';
import type { ImageService } from './image-service.js';
import type { PullStatus } from './pull-status.js';

/** Which image an engine's version runs on. */
export interface EngineImage {
  /** null for an image pulled by a create whose engine this catalogue was not asked about. */
  engine: EngineId | null;
  version: string | null;
  image: string;
  /** FLUX_DATABASES_IMAGE_<ENGINE> replaced the official image. */
  overridden: boolean;
}

/** GET /images: an engine's image, whether it is in local storage, and any pull of it. */
export interface ImageEntry extends EngineImage {
  present: boolean;
  id: string | null;
  digest: string | null;
  size_bytes: number | null;
  created: string | null;
  pull: PullStatus | null;
}

/** The engines' images as an operator prepares a host: what each engine runs on, present or pulled. */
export class ImageCatalog {
  /** Images pre-pulled through this catalogue, with the engine and version they were asked for. */
  private readonly requested = new Map<string, EngineImage>();

  constructor(
    private readonly images: ImageService,
    private readonly overrides: Readonly<Record<string, string>>,
  ) {}

  /** The image of `engine` at `version` (default: its default version); 400 for an embedded engine or an unknown version. */
  imageFor(engine: EngineId, version?: string): EngineImage {
    const adapter = getAdapter(engine);
    if (adapter.kind !== 'container') throw badRequest(`${adapter.displayName} runs inside the module: it has no image to pull`);
    const v = version ?? adapter.defaultVersion;
    try {
      return { engine, version: v, image: resolveImage(adapter, v, this.overrides), overridden: Boolean(this.overrides[engine]) };
    } catch (err) {
      throw badRequest((err as Error).message);
    }
  }

  /** Starts (or joins) a pull of the engine's image in the background. */
  pull(engine: EngineId, version?: string): { image: EngineImage; pull: PullStatus } {
    const image = this.imageFor(engine, version);
    this.requested.set(image.image, image);
    return { image, pull: this.images.pullInBackground(image.image) };
  }

  /** Each container engine's default image, then any other image with a pull under way or done. */
  async list(): Promise<ImageEntry[]> {
    const wanted: EngineImage[] = listAdapters().filter((a) => a.kind === 'container').map((a) => this.imageFor(a.engine));
    const listed = new Set(wanted.map((w) => w.image));
    for (const p of this.images.knownPulls()) {
      if (!listed.has(p.image)) wanted.push(this.requested.get(p.image) ?? { engine: null, version: null, image: p.image, overridden: false });
      listed.add(p.image);
    }
    return Promise.all(wanted.map(async (w) => entry(w, await this.images.inspect(w.image), this.images.status(w.image))));
  }

  close(): void {
    this.images.close();
  }
}

function entry(w: EngineImage, d: ImageDetails | null, pull: PullStatus | null): ImageEntry {
  return {
    ...w, present: d !== null, id: d?.id ?? null, digest: d?.digest ?? null, size_bytes: d?.sizeBytes ?? null,
    created: d?.created ?? null, pull,
  };
}
