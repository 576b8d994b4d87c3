import { ArangodbAdapter } from './arangodb.js';
import { CassandraAdapter } from './cassandra.js';
import { ClickhouseAdapter } from './clickhouse.js';
import { CockroachdbAdapter } from './cockroachdb.js';
import { CouchdbAdapter } from './couchdb.js';
import { DuckdbAdapter } from './duckdb.js';
import { ElasticsearchAdapter } from './elasticsearch.js';
import { H2Adapter } from './h2.js';
import { InfluxdbAdapter } from './influxdb.js';
import { JanusgraphAdapter } from './janusgraph.js';
import { KeydbAdapter } from './keydb.js';
import { MariadbAdapter } from './mariadb.js';
import { MeilisearchAdapter } from './meilisearch.js';
import { MongodbAdapter } from './mongodb.js';
import { MssqlAdapter } from './mssql.js';
import { MysqlAdapter } from './mysql.js';
import { Neo4jAdapter } from './neo4j.js';
import { OracleAdapter } from './oracle.js';
import { PostgresqlAdapter } from './postgresql.js';
import { QuestdbAdapter } from './questdb.js';
import { RedisAdapter } from './redis.js';
import { ScylladbAdapter } from './scylladb.js';
import { TimescaledbAdapter } from './timescaledb.js';
import { TypesenseAdapter } from './typesense.js';
import { ValkeyAdapter } from './valkey.js';
import { ENGINE_IDS, type EngineAdapter, type EngineId } from './types.js';

/** The one list of engines, in ENGINE_IDS order. Conformance tests loop over it. */
const ADAPTERS: readonly EngineAdapter[] = Object.freeze([
  new MysqlAdapter(), new PostgresqlAdapter(), new MariadbAdapter(), new MssqlAdapter(), new OracleAdapter(),
  new CockroachdbAdapter(), new MongodbAdapter(), new CouchdbAdapter(), new ArangodbAdapter(),
  new RedisAdapter(), new KeydbAdapter(), new ValkeyAdapter(),
  new CassandraAdapter(), new ScylladbAdapter(),
  new InfluxdbAdapter(), new TimescaledbAdapter(), new QuestdbAdapter(),
  new ElasticsearchAdapter(), new MeilisearchAdapter(), new TypesenseAdapter(),
  new Neo4jAdapter(), new JanusgraphAdapter(),
  new ClickhouseAdapter(), new DuckdbAdapter(),
  new H2Adapter(),
]);

const BY_ID = new Map<string, EngineAdapter>(ADAPTERS.map((a) => [a.engine, a]));

export function listAdapters(): readonly EngineAdapter[] {
  return ADAPTERS;
}

export function isEngineId(value: unknown): value is EngineId {
  return typeof value === 'string' && (ENGINE_IDS as readonly string[]).includes(value);
}

/** The adapter for `id`; throws naming the supported engines when there is none. */
export function getAdapter(id: string): EngineAdapter {
  const adapter = BY_ID.get(id);
  if (!adapter) throw new Error(`Unknown database engine "${id}". Supported: ${[...BY_ID.keys()].sort().join(', ')}`);
  return adapter;
}

/**
 * The image to run: the operator's override (FLUX_DATABASES_IMAGE_<ENGINE>, config.imageOverrides,
 * keyed by engine id) when set, used as given; else `<defaultImage>:<version>`.
 * Throws for a version the adapter does not accept, so no tag is ever made up.
 */
export function resolveImage(adapter: EngineAdapter, version: string, overrides: Readonly<Record<string, string>> = {}): string {
  const override = overrides[adapter.engine];
  if (override) return override;
  if (!adapter.versions.includes(version)) {
    throw new Error(`${adapter.displayName} version "${version}" is not supported; supported: ${adapter.versions.join(', ')}`);
  }
  return `${adapter.defaultImage}:${version}`;
}
