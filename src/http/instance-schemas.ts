import { Type } from 'typebox';
import { ENGINE_IDS } from '../services/adapters/types.js';
import { MAX_INSTANCE_NAME, MAX_VNET_NAME, PATTERNS } from '../services/instances/request.js';

/** POST /databases: the original's body fields plus an engine version. Unknown fields are refused. */
export const CreateInstanceBody = Type.Object(
  {
    engine: Type.Union(ENGINE_IDS.map((e) => Type.Literal(e))),
    version: Type.Optional(Type.String({ pattern: PATTERNS.version, maxLength: 64 })),
    name: Type.Optional(Type.String({ pattern: PATTERNS.instanceName, minLength: 1, maxLength: MAX_INSTANCE_NAME })),
    database_name: Type.Optional(Type.String({ pattern: PATTERNS.databaseName, maxLength: 63 })),
    sku: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,10}$' })),
    memory_limit_mb: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_048_576 })),
    cpu_limit: Type.Optional(Type.Number({ minimum: 0.01, maximum: 1024 })),
    storage_limit_gb: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_048_576 })),
    external_access: Type.Optional(Type.Boolean()),
    tls_enabled: Type.Optional(Type.Boolean()),
    tls_cert: Type.Optional(Type.String({ maxLength: 32_768 })),
    tls_key: Type.Optional(Type.String({ maxLength: 32_768 })),
    vnet_name: Type.Optional(Type.String({ pattern: PATTERNS.vnetName, maxLength: MAX_VNET_NAME })),
  },
  { additionalProperties: false },
);

export const DeleteQuery = Type.Object({ keep_data: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false });
export const OrphanParams = Type.Object({ name: Type.String({ pattern: '^db-[a-z][a-z0-9-]{0,60}$' }) }, { additionalProperties: false });
