import type { EngineId } from '../../src/services/adapters/types.js';

/**
 * Facts per engine, typed in from ../shared/engines/CONTRACTS.md (its corrections first) and the
 * official entrypoints, not from the adapters: official image repository, ports (primary = the
 * port a client connects to), the env names the plan must set (NAME or NAME_FILE), data dir, the
 * uid the image runs the engine as (null = root / entrypoint decides), the forced username, and
 * where the password may live.
 */
export interface Fact {
  image: string;
  ports: number[];
  primary: number | null;
  authEnv: string[];
  dataDir: string;
  uid: number | null;
  fixedUsername: string | null;
  /** Most capabilities the plan may add under --cap-drop=ALL (§0.1: the step-down set at most). */
  maxCaps: string[];
  /**
   * Where the official image can take the password from: 'env' when the environment is its only
   * way (the adapter must declare unsupported.passwordInEnv), else the container paths of the
   * secret files that carry it (a *_FILE target, a config file, an init script); null: no password.
   */
  passwordIn: 'env' | RegExp | null;
}

export const STEP_DOWN = ['SETUID', 'SETGID', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER'];
const RUN_SECRETS = /^\/run\/secrets\//;
const F = (f: Partial<Fact> & Pick<Fact, 'image' | 'ports' | 'dataDir'>): Fact => ({
  primary: f.ports[0] ?? null, authEnv: [], uid: null, fixedUsername: null, maxCaps: [], passwordIn: RUN_SECRETS, ...f,
});

export const FACTS: Record<EngineId, Fact> = {
  mysql: F({ image: 'docker.io/library/mysql', ports: [3306, 33060], authEnv: ['MYSQL_ROOT_PASSWORD', 'MYSQL_DATABASE', 'MYSQL_USER', 'MYSQL_PASSWORD'], dataDir: '/var/lib/mysql', uid: 999 }),
  postgresql: F({ image: 'docker.io/library/postgres', ports: [5432], authEnv: ['POSTGRES_PASSWORD', 'POSTGRES_USER', 'POSTGRES_DB'], dataDir: '/var/lib/postgresql/data', uid: 999 }),
  mariadb: F({ image: 'docker.io/library/mariadb', ports: [3306], authEnv: ['MARIADB_ROOT_PASSWORD', 'MARIADB_DATABASE', 'MARIADB_USER', 'MARIADB_PASSWORD'], dataDir: '/var/lib/mysql', uid: 999 }),
  // Corrections §5: sqlservr carries cap_net_bind_service; Microsoft documents MSSQL_SA_PASSWORD only.
  mssql: F({ image: 'mcr.microsoft.com/mssql/server', ports: [1433], authEnv: ['ACCEPT_EULA', 'MSSQL_SA_PASSWORD'], dataDir: '/var/opt/mssql', uid: 10001, fixedUsername: 'sa', maxCaps: ['NET_BIND_SERVICE'], passwordIn: 'env' }),
  oracle: F({ image: 'docker.io/gvenzl/oracle-free', ports: [1521], authEnv: ['ORACLE_PASSWORD', 'APP_USER', 'APP_USER_PASSWORD'], dataDir: '/opt/oracle/oradata', uid: 54321 }),
  // cockroach.sh reads COCKROACH_PASSWORD from env only, and runs /docker-entrypoint-initdb.d/*.sql as root.
  cockroachdb: F({ image: 'docker.io/cockroachdb/cockroach', ports: [26257, 8080], authEnv: ['COCKROACH_USER', 'COCKROACH_DATABASE'], dataDir: '/cockroach/cockroach-data', passwordIn: /^\/docker-entrypoint-initdb\.d\/[^/]+\.sql$/ }),
  mongodb: F({ image: 'docker.io/library/mongo', ports: [27017], authEnv: ['MONGO_INITDB_ROOT_USERNAME', 'MONGO_INITDB_ROOT_PASSWORD', 'MONGO_INITDB_DATABASE'], dataDir: '/data/db', uid: 999 }),
  // The entrypoint accepts an [admins] section in an ini of local.d instead of COUCHDB_USER/PASSWORD.
  couchdb: F({ image: 'docker.io/library/couchdb', ports: [5984], dataDir: '/opt/couchdb/data', uid: 5984, passwordIn: /^\/opt\/couchdb\/etc\/local\.d\/[^/]+\.ini$/ }),
  arangodb: F({ image: 'docker.io/library/arangodb', ports: [8529], authEnv: ['ARANGO_ROOT_PASSWORD'], dataDir: '/var/lib/arangodb3', fixedUsername: 'root' }),
  redis: F({ image: 'docker.io/library/redis', ports: [6379], dataDir: '/data', uid: 999, passwordIn: /^\/usr\/local\/etc\/redis\/redis\.conf$/ }),
  keydb: F({ image: 'docker.io/eqalpha/keydb', ports: [6379], dataDir: '/data', uid: 999, passwordIn: /^\/etc\/keydb\/keydb\.conf$/ }),
  valkey: F({ image: 'docker.io/valkey/valkey', ports: [6379], dataDir: '/data', uid: 999, passwordIn: /^\/usr\/local\/etc\/valkey\/valkey\.conf$/ }),
  cassandra: F({ image: 'docker.io/library/cassandra', ports: [9042, 7000, 7199], authEnv: ['MAX_HEAP_SIZE', 'HEAP_NEWSIZE'], dataDir: '/var/lib/cassandra', uid: 999 }),
  scylladb: F({ image: 'docker.io/scylladb/scylla', ports: [9042, 7000, 10000, 9180], dataDir: '/var/lib/scylla', maxCaps: STEP_DOWN }),
  influxdb: F({
    image: 'docker.io/library/influxdb', ports: [8086], dataDir: '/var/lib/influxdb2', uid: 1000,
    authEnv: ['DOCKER_INFLUXDB_INIT_MODE', 'DOCKER_INFLUXDB_INIT_USERNAME', 'DOCKER_INFLUXDB_INIT_PASSWORD', 'DOCKER_INFLUXDB_INIT_ORG', 'DOCKER_INFLUXDB_INIT_BUCKET', 'DOCKER_INFLUXDB_INIT_ADMIN_TOKEN'],
  }),
  timescaledb: F({ image: 'docker.io/timescale/timescaledb', ports: [5432], authEnv: ['POSTGRES_PASSWORD', 'POSTGRES_USER', 'POSTGRES_DB'], dataDir: '/var/lib/postgresql/data' }),
  // Every QDB_<KEY> is a server.conf key; conf/server.conf lives in the root directory.
  questdb: F({ image: 'docker.io/questdb/questdb', ports: [9000, 8812, 9009, 9003], primary: 8812, dataDir: '/var/lib/questdb', maxCaps: STEP_DOWN, passwordIn: /^\/var\/lib\/questdb\/conf\/server\.conf$/ }),
  elasticsearch: F({ image: 'docker.elastic.co/elasticsearch/elasticsearch', ports: [9200, 9300], authEnv: ['ELASTIC_PASSWORD'], dataDir: '/usr/share/elasticsearch/data', uid: 1000, fixedUsername: 'elastic' }),
  // Meilisearch reads a TOML configuration file (MEILI_CONFIG_FILE_PATH) below env and flags.
  meilisearch: F({ image: 'docker.io/getmeili/meilisearch', ports: [7700], authEnv: ['MEILI_CONFIG_FILE_PATH'], dataDir: '/meili_data' }),
  // typesense-server reads env, then its --config ini, then its arguments.
  typesense: F({ image: 'docker.io/typesense/typesense', ports: [8108], authEnv: ['TYPESENSE_DATA_DIR'], dataDir: '/data' }),
  // The 5.x entrypoint reads NEO4J_AUTH_PATH (a file holding neo4j/<password>) before NEO4J_AUTH.
  neo4j: F({ image: 'docker.io/library/neo4j', ports: [7687, 7474], authEnv: ['NEO4J_AUTH_PATH'], dataDir: '/data', uid: 7474, fixedUsername: 'neo4j' }),
  janusgraph: F({ image: 'docker.io/janusgraph/janusgraph', ports: [8182], dataDir: '/var/lib/janusgraph', uid: 999, passwordIn: null }),
  clickhouse: F({ image: 'docker.io/clickhouse/clickhouse-server', ports: [8123, 9000], authEnv: ['CLICKHOUSE_DB'], dataDir: '/var/lib/clickhouse', uid: 101, passwordIn: /^\/etc\/clickhouse-server\/users\.d\// }),
  duckdb: F({ image: 'docker.io/duckdb/duckdb', ports: [], primary: null, dataDir: '/data', passwordIn: null }),
  h2: F({ image: 'docker.io/oscarfonts/h2', ports: [1521], dataDir: '/opt/h2-data' }),
};

/** InfluxDB 1.x (the local stand-in's contract): init scripts and secret import files, never INFLUXDB_ADMIN_PASSWORD. */
export const INFLUXDB_1X_PASSWORD_IN = /^(\/run\/secrets\/|\/docker-entrypoint-initdb\.d\/)/;
