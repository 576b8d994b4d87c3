import { AdapterInputError } from '../../errors.js';
import { NodetoolMetrics } from './families/cassandra-metrics.js';
import { renderConfig } from '../orchestration/config-renderer.js';
import { BaseAdapter, clamp, type PlanParts } from './base.js';
import { bootstrapFiles, bootstrapSteps, cqlUsernameProblem } from './cql-bootstrap.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, EnginePort, ExecStep, Probe, SizingInput } from './types.js';
import { CqlStatements } from './accounts/nosql-declared.js';

const CONFIG_FILE = '/etc/cassandra-flux/cassandra.yaml';
/** Single node: it listens for internode traffic on loopback and is its own (only) seed. */
export const NODE_ADDRESS = '127.0.0.1';

/**
 * Apache Cassandra from docker.io/library/cassandra (CONTRACTS §14); ScyllaDB extends it.
 * The image has no auth (AllowAllAuthenticator) and no env for users. This adapter renders a
 * cassandra.yaml with PasswordAuthenticator, loaded through -Dcassandra.config (the entrypoint
 * rewrites the image's own yaml in place every start, so that one cannot be a read-only mount).
 * The engine then has only the default superuser cassandra/cassandra: the first-start steps of
 * cql-bootstrap.ts replace it with the instance's role and fail unless that login is refused.
 */
export class CassandraAdapter extends BaseAdapter {
  readonly engine: EngineId = 'cassandra';
  readonly displayName: string = 'Apache Cassandra';
  readonly description: string = 'Wide-column store for write-heavy workloads (single node)';
  readonly category: EngineCategory = 'wide_column';
  /** Declared, not run: no image of this engine runs where the module is verified. */
  override readonly declaredAccounts = new CqlStatements();
  readonly defaultImage: string = 'docker.io/library/cassandra';
  readonly defaultVersion: string = '5.0';
  readonly versions: readonly string[] = ['5.0', '4.1'];
  readonly ports: readonly EnginePort[] = [
    { name: 'cql', containerPort: 9042, primary: true },
    { name: 'internode', containerPort: 7000 },
    { name: 'jmx', containerPort: 7199 },
  ];
  override readonly unsupported: Readonly<Record<string, string>> = {
    tls: 'client_encryption_options needs a keystore; PEM keys are unverified; not wired',
    uri: 'CQL has no standard URI: contact point host:port, local datacenter datacenter1',
    readOnlyRootfs: 'the entrypoint rewrites files under /etc/cassandra on every start',
    backup: 'nodetool snapshot leaves hard links in the data directory, and a restore copies SSTables into new table directories for nodetool import: no stream, not offered',
  };
  override readonly minMemoryMb: number = 2048;
  override readonly minCpus: number = 1;
  override readonly startupTimeoutMs: number = 180_000;
  protected override readonly metricsRole = new NodetoolMetrics();
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
      clusterName: 'flux', listenAddress: NODE_ADDRESS, seeds: `${NODE_ADDRESS}:7000`,
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
      files: [{ target: CONFIG_FILE, content: yaml, kind: 'config' }, ...bootstrapFiles(input)],
      nofile: 100000,
    };
  }

  protected override checkInput(input: AdapterInput): void {
    super.checkInput(input);
    const problem = cqlUsernameProblem(input.username);
    if (problem) throw new AdapterInputError(`${this.displayName}: ${problem}`);
  }

  /** The CQL port answers once the node is up. cqlsh is not used: it would need a password in argv or a file. */
  protected probe(_input: AdapterInput): Probe {
    return { kind: 'tcp', containerPort: 9042 };
  }

  /** Replace the default superuser, then prove it is locked out (cql-bootstrap.ts). */
  protected override firstStart(_input: AdapterInput): ExecStep[] {
    return bootstrapSteps();
  }

  connectionUri(d: ConnectionDetails): string {
    // Shape used by several drivers/tools; the keyspace goes in the path.
    return this.uri('cassandra', d, `/${encodeURIComponent(d.database)}`, 'localDataCenter=datacenter1');
  }
}
