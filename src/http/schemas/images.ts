import { Type, type Static } from 'typebox';
import { PATTERNS } from '../../services/instances/request.js';
import { EngineId, Nullable } from './common.js';

const Timestamp = Nullable(Type.String({ format: 'date-time' }));

/** One image pull: the create's (`pull_progress` of an instance) or a pre-pull's. */
export const PullStatus = Type.Object({
  image: Type.String(),
  state: Type.Union([Type.Literal('pulling'), Type.Literal('done'), Type.Literal('failed')]),
  layers_done: Type.Integer({ minimum: 0 }),
  layers_total: Type.Integer({ minimum: 0, description: 'layers Podman has announced so far' }),
  bytes_done: Type.Integer({ minimum: 0 }),
  bytes_total: Type.Integer({ minimum: 0, description: 'sizes of the announced layers; a layer already present adds none' }),
  percent: Type.Integer({ minimum: 0, maximum: 100, description: '100 only once the image is stored' }),
  started_at: Type.String({ format: 'date-time' }),
  finished_at: Timestamp,
  digest: Nullable(Type.String({ description: 'manifest digest pulled' })),
  error_code: Nullable(Type.String({ description: 'IMAGE_NOT_FOUND, REGISTRY_UNREACHABLE, REGISTRY_AUTH_FAILED, PULL_TIMEOUT ...' })),
  error: Nullable(Type.String()),
}, { description: 'an image pull: layers and bytes done, percent, and its outcome' });

const EngineImage = {
  engine: Nullable(EngineId),
  version: Nullable(Type.String()),
  image: Type.String({ description: 'the reference the engine runs, FLUX_DATABASES_IMAGE_<ENGINE> applied' }),
  overridden: Type.Boolean(),
};

export const ImageEntry = Type.Object({
  ...EngineImage,
  present: Type.Boolean({ description: 'in Podman\'s local storage now' }),
  id: Nullable(Type.String()),
  digest: Nullable(Type.String()),
  size_bytes: Nullable(Type.Integer({ minimum: 0 })),
  created: Timestamp,
  pull: Nullable(PullStatus),
});

export const ImageList = Type.Object({
  images: Type.Array(ImageEntry, { description: 'each container engine\'s default image, then other images pulled or pulling' }),
}, { description: 'the engines\' images on this host, and their pulls' });

/** POST /images/pull. */
export const PullImageBody = Type.Object({
  engine: EngineId,
  version: Type.Optional(Type.String({ pattern: PATTERNS.version, maxLength: 64, description: 'default: the engine\'s default version' })),
}, { additionalProperties: false });

export const PullAccepted = Type.Object({
  message: Type.String(),
  image: Type.Object(EngineImage),
  pull: PullStatus,
}, { description: 'the pull runs in the background (or was already under way: it is shared); GET /images shows it' });

export type PullImageBody = Static<typeof PullImageBody>;
export type ImageList = Static<typeof ImageList>;
