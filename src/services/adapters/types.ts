/**
 * The engine adapter contract. An adapter is mostly facts about one engine's official image
 * (see ../shared/engines/CONTRACTS.md) plus small pure functions that turn an instance's
 * settings into a container plan, probes and a connection string. Adapters never run anything
 * themselves and never build shell strings: commands are argv arrays, secrets travel as
 * environment of an exec, as files, or as client parameters. An input the engine refuses is an
 * AdapterInputError (a 400); any other throw is a bug (a 500).
 */
import type { AccountStatements } from './accounts/statements.js';
import type { FileAccount } from './roles/accounts.js';
import type { BackupRole, EngineRoles } from './roles/index.js';

export const ENGINE_IDS = [
  'mysql', 'postgresql', 'mariadb', 'mssql', 'oracle', 'cockroachdb',
  'mongodb', 'couchdb', 'arangodb',
  'redis', 'keydb', 'valkey',
  'cassandra', 'scylladb',
  'influxdb', 'timescaledb', 'questdb',
  'elasticsearch', 'meilisearch', 'typesense',
  'neo4j', 'janusgraph',
  'clickhouse', 'duckdb',
  'h2',
] as const;
export type EngineId = (typeof ENGINE_IDS)[number];

export type EngineCategory =
  | 'relational' | 'document' | 'key_value' | 'wide_column' | 'time_series'
  | 'search' | 'graph' | 'analytical' | 'embedded';

/** How an instance of the engine runs: a container, or in-process inside the module (DuckDB). */
export type InstanceKind = 'container' | 'embedded';

/** Facts about the engine itself, declared by each adapter; defaults live in BaseAdapter. */
export interface EngineTraits {
  /** The adapter renders the engine's TLS settings from AdapterInput.tls. */
  supportsTls: boolean;
  supportsReadOnlyRootfs: boolean;
  /** The engine enforces a password (some start without auth: say so, never hide it). */
  hasAuthentication: boolean;
}

/**
 * What GET /engines advertises. Never set by hand: the operation flags are derived from the
 * adapter's roles (deriveCapabilities), the rest from its kind and traits.
 */
export interface EngineCapabilities extends EngineTraits {
  supportsDatabases: boolean;
  supportsUsers: boolean;
  supportsRotation: boolean;
  supportsBackup: boolean;
  supportsRestore: boolean;
  /** A new instance from a snapshot: needs both backup and restore. */
  supportsClone: boolean;
  supportsBrowse: boolean;
  supportsMetrics: boolean;
  /** Runs inside the module (no container), e.g. DuckDB. */
  isEmbedded: boolean;
}

export interface EnginePort {
  name: string;
  containerPort: number;
  /** The port a client connects to; the one published on the instance's host port. */
  primary?: boolean;
  /**
   * Also published on the host's loopback (its own host port, recorded on the row), for a probe,
   * a first-start step or a stock client that needs it (e.g. ClickHouse's native 9000 beside HTTP).
   */
  publish?: boolean;
}

/** Resources granted by the SKU, used to size the engine (heap, buffer pool, maxmemory ...). */
export interface SizingInput {
  memoryMb: number;
  cpus: number;
  storageGb: number;
}

/** What an adapter is given to plan one instance. Identifiers are already validated. */
export interface AdapterInput {
  containerName: string;
  databaseName: string;
  username: string;
  /** Goes to env, a secret file or a rendered config file: never into argv. */
  password: string;
  version: string;
  sizing: SizingInput;
  tls?: { certPath: string; keyPath: string };
  /**
   * Users the engine keeps only in its config files (the Redis family's ACL users), rendered there
   * so a restart keeps them; password hashes only. Optional; absent at create.
   */
  accounts?: readonly FileAccount[];
}

/** A file the manager writes into the instance's volume and bind-mounts (read-only) into the container. */
export interface PlannedFile {
  /** Absolute path inside the container. */
  target: string;
  content: string;
  /** 'secret' files live in the instance's secrets dir (0600 for the container user). */
  kind: 'config' | 'secret';
}

/** The engine part of a container spec; the orchestrator adds hardening, SKU limits, ports and labels. */
export interface ContainerPlan {
  env: Record<string, string>;
  entrypoint?: string[];
  cmd?: string[];
  /** uid:gid to run as (cap-free pattern); undefined lets the image's entrypoint step down. */
  user?: string;
  /** Where the engine keeps its data (the instance's data volume is mounted here). */
  dataDir: string;
  /** Extra volume dirs of the instance mounted read-write: logs, tls ... (target paths). */
  logsDir?: string;
  files: PlannedFile[];
  tmpfs: Record<string, string>;
  capAdd: string[];
  pidsLimit: number;
  /** nofile wanted by the engine; the orchestrator clamps it to the host's hard limit. */
  nofile: number;
  readOnlyRootfs: boolean;
  shmSizeMb?: number;
  stopTimeoutSeconds: number;
  /**
   * Further persistent dirs of the instance (volume name -> container target), mounted read-write
   * and owned like dataDir; e.g. CockroachDB's certs dir, which lives outside its data dir.
   * Optional; added by the adapters helper.
   */
  extraVolumes?: Readonly<Record<string, string>>;
}

/** How to tell the engine itself answers (not just that its container runs). */
export type Probe =
  | { kind: 'exec'; argv: string[]; env?: Record<string, string>; expectStdout?: RegExp }
  | {
      kind: 'http'; containerPort: number; path: string; headers?: Record<string, string>; expectStatus: number[];
      /** 'https' when the engine serves TLS on that port (self-signed: do not verify). Default 'http'. Optional; added by the adapters helper. */
      scheme?: 'http' | 'https';
    }
  | { kind: 'tcp'; containerPort: number }
  /** `SELECT 1` through the pg client, from the host (PostgreSQL protocol). */
  | { kind: 'postgres'; containerPort: number; user: string; password: string; database: string; tls?: boolean }
  /** `SELECT 1` through mysql2, from the host (MySQL and MariaDB). */
  | { kind: 'mysql'; containerPort: number; user: string; password: string; database: string; tls?: boolean }
  /** PING answered with PONG after AUTH, through ioredis, from the host (the Redis family). */
  | { kind: 'redis'; containerPort: number; password: string; username?: string; tls?: boolean };

export interface ConnectionDetails {
  host: string;
  port: number;
  database: string;
  username: string;
  /** Present only when the caller may see it. */
  password?: string;
  /** Where the instance's other reachable ports are (EnginePort.publish), by port name, e.g. { native: 23456 }. */
  ports?: Readonly<Record<string, number>>;
  /** The instance's engine version (clients differ between major versions, e.g. InfluxDB 1.x and 2.x). */
  version?: string;
  /** The engine serves TLS (rediss://, a client's TLS switch). */
  tls?: boolean;
}

/**
 * How to run an engine's stock command-line client against an instance, for clients that take no
 * URI (mysql, clickhouse-client, influx, H2's Shell): argv to run as is, and environment to set.
 * The password goes to the environment wherever the client reads it from there (MYSQL_PWD,
 * INFLUX_PASSWORD); clickhouse-client 18.x and H2's Shell take it only as an argument.
 */
export interface ClientCommand {
  argv: string[];
  env?: Record<string, string>;
}

/** An argv run inside the container with `podman exec`; secrets only in env or in planned files. */
export type ExecStep = Extract<Probe, { kind: 'exec' }>;

export type LogLevel = 'error' | 'warning' | 'info' | 'debug';

export interface EngineAdapter {
  readonly engine: EngineId;
  readonly displayName: string;
  readonly description: string;
  readonly category: EngineCategory;
  /** Official image repository, e.g. docker.io/library/postgres. */
  readonly defaultImage: string;
  /** Pinned default tag. */
  readonly defaultVersion: string;
  /** Versions (tags) this adapter accepts. */
  readonly versions: readonly string[];
  readonly ports: readonly EnginePort[];
  readonly kind: InstanceKind;
  readonly traits: Readonly<EngineTraits>;
  /** The operations the module performs for this engine; see roles/index.ts. */
  readonly roles: Readonly<EngineRoles>;
  /** Derived from kind, traits and roles. */
  readonly capabilities: Readonly<EngineCapabilities>;
  /**
   * Account statements of an engine the module does not run them for (no image of it runs where
   * the module is verified): declared from its documentation, checked by the conformance suite.
   */
  readonly declaredAccounts?: AccountStatements;
  /**
   * A backup role declared from the engine's tools' sources but not carried (so not advertised):
   * no image of the engine runs where the module is verified. Checked by the conformance suite.
   */
  readonly declaredBackup?: BackupRole;
  /** Features this adapter does not offer, with the reason, for the UI and the README matrix. */
  readonly unsupported: Readonly<Record<string, string>>;
  readonly minMemoryMb: number;
  readonly minCpus: number;
  readonly startupTimeoutMs: number;
  /**
   * Consecutive successful readiness probes needed: 1, unless the image's entrypoint answers on a
   * temporary server (while it initialises) that the probe can reach before the real one runs.
   */
  readonly readySuccesses: number;
  /** Username the engine forces (sa, root, neo4j, elastic ...) or null when any is allowed. */
  readonly fixedUsername: string | null;

  /** Plan the container for one instance. Pure: no I/O. */
  plan(input: AdapterInput): ContainerPlan;
  /**
   * Readiness: succeeds only when the engine itself answers an authenticated request where it can,
   * from the host over the instance's address where a native client exists (postgres, mysql, redis, http).
   */
  readinessProbe(input: AdapterInput): Probe;
  /**
   * The same check run inside the container, for a host that cannot reach the instance's address
   * (rootless Podman with a VNet IP). Absent when readinessProbe already runs inside (exec).
   */
  insideProbe?(input: AdapterInput): ExecStep;
  /** Stock command-line clients that take no URI, by client name; {} when the URI is enough. */
  clientCommands(details: ConnectionDetails): Record<string, ClientCommand>;
  /** Client URI, password percent-encoded (or left out when not given). */
  connectionUri(details: ConnectionDetails): string;
  /** Level of one log line in this engine's format. */
  logLevel(line: string): LogLevel;
  /**
   * Steps to run once, in order, after the first successful readiness probe of a new instance:
   * what the image cannot do from env (Cassandra's default superuser, MSSQL's database, H2's
   * admin password). Each step is harmless when repeated. Absent or [] when nothing is needed.
   * Optional; added by the adapters helper.
   */
  postStartCommands?(input: AdapterInput): ExecStep[];
}
