import { renderConfig } from '../orchestration/config-renderer.js';
import { BaseAdapter, clamp, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, ExecStep, PlannedFile, Probe, SizingInput } from './types.js';

const CONFIG_FILE = '/etc/cassandra-flux/cassandra.yaml';
const BOOTSTRAP_FILE = '/run/secrets/bootstrap.cql';
const CQLSHRC_FILE = '/run/secrets/cqlshrc';

/**
 * Constant shell text (no value is spliced in): done when the instance user can already log in
 * (a repeat), else retry the bootstrap as the default superuser, which Cassandra only creates some
 * seconds after the CQL port opens.
 */
const BOOTSTRAP_SCRIPT = [
  'for i in $(seq 90); do',
  `  cqlsh --cqlshrc ${CQLSHRC_FILE} -e 'SELECT release_version FROM system.local' 127.0.0.1 9042 >/dev/null 2>&1 && exit 0;`,
  `  cqlsh -u cassandra -p cassandra -f ${BOOTSTRAP_FILE} 127.0.0.1 9042 && exit 0;`,
  '  sleep 2;',
  'done; exit 1',
].join('\n');

/** CQL string literal: quotes doubled. */
export const cqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * Apache Cassandra from docker.io/library/cassandra (CONTRACTS §14); ScyllaDB extends it.
 * The image has no auth (AllowAllAuthenticator) and no env for users. This adapter renders a
 * cassandra.yaml with PasswordAuthenticator, loaded through -Dcassandra.config (the entrypoint
 * rewrites the image's own yaml in place every start, so that one cannot be a read-only mount).
 * The engine then has only the default superuser cassandra/cassandra: postStartCommands runs a
 * CQL file (a secret) that creates the instance's superuser role and keyspace and locks
 * `cassandra` out. Until that step ran, the default credentials work.
 */
export class CassandraAdapter extends BaseAdapter {
  readonly engine: EngineId = 'cassandra';
  readonly displayName: string = 'Apache Cassandra';
  readonly description: string = 'Wide-column store for write-heavy workloads (single node)';
  readonly category: EngineCategory = 'wide_column';
  readonly defaultImage: string = 'docker.io/library/cassandra';
  readonly defaultVersion: string = '5.0';
  readonly versions: readonly string[] = ['5.0', '4.1'];
  readonly ports: readonly { name: string; containerPort: number; primary?: boolean }[] = [
    { name: 'cql', containerPort: 9042, primary: true },
    { name: 'internode', containerPort: 7000 },
    { name: 'jmx', containerPort: 7199 },
  ];
  override readonly unsupported: Readonly<Record<string, string>> = {
    tls: 'client_encryption_options needs a keystore; PEM keys are unverified; not wired',
    uri: 'CQL has no standard URI: contact point host:port, local datacenter datacenter1',
    readOnlyRootfs: 'the entrypoint rewrites files under /etc/cassandra on every start',
  };
  override readonly minMemoryMb: number = 2048;
  override readonly minCpus: number = 1;
  override readonly startupTimeoutMs: number = 180_000;
  protected override readonly defaultPidsLimit: number = 4096;
  protected override readonly defaultStopTimeoutSeconds: number = 90;

  override memoryShares(s: SizingInput): Record<string, number> {
    // Heap a quarter of memory (8 GB at most, the usual G1 ceiling); off-heap and page cache use the rest.
    const heap = clamp(Math.floor(s.memoryMb / 4), 512, 8192);
    return { heap, heapNew: clamp(Math.floor(heap / 4), 128, 2048) };
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    const m = this.memoryShares(input.sizing);
    const yaml = renderConfig('cassandra', 'cassandra.yaml.njk', {
      containerName: input.containerName, memoryMb: input.sizing.memoryMb, port: 9042,
      clusterName: 'flux',
      concurrentReads: clamp(16 * Math.ceil(input.sizing.cpus), 16, 128),
      concurrentWrites: clamp(8 * Math.ceil(input.sizing.cpus), 32, 256),
    });
    return {
      env: {
        // Must be set as a pair (cassandra-env.sh aborts otherwise).
        MAX_HEAP_SIZE: `${m.heap}M`,
        HEAP_NEWSIZE: `${m.heapNew}M`,
        JVM_EXTRA_OPTS: `-Dcassandra.config=file://${CONFIG_FILE} -Dcassandra.skip_wait_for_gossip_to_settle=0`,
      },
      // --user on a pre-owned volume: the entrypoint skips chown/gosu (dirs are 1777): no capabilities.
      user: '999:999',
      dataDir: '/var/lib/cassandra',
      logsDir: '/var/log/cassandra',
      files: [{ target: CONFIG_FILE, content: yaml, kind: 'config' }, ...this.bootstrapFiles(input)],
      nofile: 100000,
    };
  }

  /** The CQL run once after start, and a cqlshrc (RawConfigParser: no interpolation) to log in as the user. */
  protected bootstrapFiles(input: AdapterInput): PlannedFile[] {
    const rc = `[authentication]\nusername = ${input.username}\npassword = ${input.password}\n`;
    return [this.bootstrapCql(input), { target: CQLSHRC_FILE, content: rc, kind: 'secret' }];
  }

  private bootstrapCql(input: AdapterInput): PlannedFile {
    const user = input.username; // checked identifier
    const cql = [
      `CREATE ROLE IF NOT EXISTS ${user} WITH PASSWORD = ${cqlString(input.password)} AND SUPERUSER = true AND LOGIN = true;`,
      `CREATE KEYSPACE IF NOT EXISTS ${input.databaseName} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};`,
      ...(user === 'cassandra' ? [] : ["ALTER ROLE cassandra WITH SUPERUSER = false AND LOGIN = false;"]),
      '',
    ].join('\n');
    return { target: BOOTSTRAP_FILE, content: cql, kind: 'secret' };
  }

  /** The CQL port answers once the node is up. cqlsh is not used: it would need a password in argv or a file. */
  protected probe(_input: AdapterInput): Probe {
    return { kind: 'tcp', containerPort: 9042 };
  }

  /** Logs in with the well-known default superuser (not a secret); a no-op once the user exists. */
  protected override firstStart(_input: AdapterInput): ExecStep[] {
    return [{ kind: 'exec', argv: ['sh', '-c', BOOTSTRAP_SCRIPT] }];
  }

  connectionUri(d: ConnectionDetails): string {
    // Shape used by several drivers/tools; the keyspace goes in the path.
    return this.uri('cassandra', d, `/${encodeURIComponent(d.database)}`, 'localDataCenter=datacenter1');
  }
}
