import { Type, type Static } from 'typebox';
import { ID_PATTERN, InstanceId } from './common.js';

export const SnapshotParams = Type.Object(
  { id: InstanceId, sid: Type.String({ pattern: ID_PATTERN, description: 'snapshot id' }) },
  { additionalProperties: false },
);

export type SnapshotParams = Static<typeof SnapshotParams>;
