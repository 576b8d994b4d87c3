import { renderConfig } from '../orchestration/config-renderer.js';
import { ElasticMetrics } from './families/elastic-metrics.js';
import { BaseAdapter, traits, jvmHeapMb, userTmpfsOpts, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe, SizingInput } from './types.js';
import { ElasticsearchStatements } from './accounts/nosql-declared.js';

const CONFIG_DIR = '/usr/share/elasticsearch/config';
/** TLS files must sit under the config directory, or the node refuses to start. */
export const CERTS_DIR = `${CONFIG_DIR}/certs`;

/**
 * Run through the image's own entrypoint (tini stays PID 1): it executes a CMD other than
 * `eswrapper` as is when not root, so this copies the instance's TLS files ($1 cert, $2 key)
 * into the certs tmpfs and hands over to the entrypoint's normal start. Constant text.
 */
const COPY_TLS_SCRIPT = [
  `cp -- "$1" ${CERTS_DIR}/http.crt && cp -- "$2" ${CERTS_DIR}/http.key && chmod 0600 ${CERTS_DIR}/http.key`,
  'exec /usr/local/bin/docker-entrypoint.sh eswrapper',
].join(' && ');

/**
 * Elasticsearch from docker.elastic.co (CONTRACTS §19), single node with security on: user
 * `elastic`, password from ELASTIC_PASSWORD_FILE (the entrypoint reads it and puts it in the
 * keystore). HTTPS only when the instance has TLS material, copied to config/certs at each start
 * (a tmpfs: the key never lands in the container layer); transport TLS is not needed for
 * single-node discovery.
 */
export class ElasticsearchAdapter extends BaseAdapter {
  readonly engine: EngineId = 'elasticsearch';
  readonly displayName = 'Elasticsearch';
  readonly description = 'Distributed search and analytics engine (single node)';
  readonly category: EngineCategory = 'search';
  /** Declared, not run: no image of this engine runs where the module is verified. */
  override readonly declaredAccounts = new ElasticsearchStatements();
  readonly defaultImage = 'docker.elastic.co/elasticsearch/elasticsearch';
  readonly defaultVersion = '8.19.20';
  readonly versions: readonly string[] = ['8.19.20', '9.4.4'];
  readonly ports = [
    { name: 'http', containerPort: 9200, primary: true },
    { name: 'transport', containerPort: 9300 },
  ];
  override readonly traits = traits({ supportsTls: true });
  override readonly unsupported = {
    databases: 'indices, not databases; the database name is not used',
    backup: 'snapshots go to a registered repository (a path.repo directory or an object store), never a stream: not offered',
    readOnlyRootfs: 'the entrypoint writes the keystore under config/',
    hostSysctl: 'vm.max_map_count >= 262144 is the host\'s job; single-node discovery only warns',
  };
  override readonly minMemoryMb = 2048;
  override readonly minCpus = 1;
  override readonly startupTimeoutMs = 180_000;
  protected override readonly metricsRole = new ElasticMetrics();
  override readonly fixedUsername = 'elastic';
  protected override readonly logFormat = 'json' as const;
  protected override readonly defaultPidsLimit = 4096;
  protected override readonly defaultNofile = 65535;
  protected override readonly defaultStopTimeoutSeconds = 60;

  override memoryShares(s: SizingInput): Record<string, number> {
    // Half for the heap (Elastic's rule), the other half for Lucene's file cache; 31 GB cap.
    return { heap: jvmHeapMb(s.memoryMb, 0.5) };
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    const heap = this.memoryShares(input.sizing).heap;
    const yml = renderConfig('elasticsearch', 'elasticsearch.yml.njk', {
      containerName: input.containerName, memoryMb: input.sizing.memoryMb, port: 9200, clusterName: 'flux',
      tls: input.tls ? { certPath: 'certs/http.crt', keyPath: 'certs/http.key' } : null,
    });
    return {
      env: { ELASTIC_PASSWORD_FILE: '/run/secrets/elastic-password', ES_JAVA_OPTS: `-Xms${heap}m -Xmx${heap}m` },
      ...(input.tls ? { cmd: ['/bin/bash', '-c', COPY_TLS_SCRIPT, 'es-tls', input.tls.certPath, input.tls.keyPath] } : {}),
      // The image runs as 1000:0 with no privilege change: no capabilities.
      user: '1000:0',
      dataDir: '/usr/share/elasticsearch/data',
      logsDir: '/usr/share/elasticsearch/logs',
      files: [
        { target: `${CONFIG_DIR}/elasticsearch.yml`, content: yml, kind: 'config' },
        this.secret('elastic-password', input.password),
      ],
      ...(input.tls ? { tmpfs: { [CERTS_DIR]: userTmpfsOpts(1) } } : {}),
    };
  }

  /** Host-side, as elastic: 200 once the cluster is at least yellow. */
  protected probe(input: AdapterInput): Probe {
    return {
      kind: 'http', scheme: input.tls ? 'https' : 'http', containerPort: 9200,
      path: '/_cluster/health?wait_for_status=yellow&timeout=2s',
      headers: { Authorization: this.basicAuth('elastic', input.password) },
      expectStatus: [200],
    };
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri('http', d);
  }
}
