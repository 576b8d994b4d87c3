import { BaseAdapter, jvmHeapMb, type PlanParts } from './base.js';
import { QuestdbMetrics } from './families/questdb-metrics.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, EnginePort, Probe, SizingInput } from './types.js';

const CONF_DIR = '/var/lib/questdb/conf';

/**
 * A java.util.Properties value: backslashes doubled, a leading blank escaped, anything outside
 * printable ASCII as \uXXXX (load() reads ISO-8859-1). `=`, `:`, `#` and `!` need nothing in a value.
 */
export function propertyValue(v: string): string {
  return Array.from(v.replace(/\\/g, '\\\\').replace(/^[ \t\f]/, (c) => `\\${c}`))
    .map((c) => {
      const code = c.codePointAt(0)!;
      if (code >= 0x20 && code < 0x7f) return c;
      return (code > 0xffff ? [0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff)] : [code])
        .map((u) => `\\u${u.toString(16).padStart(4, '0')}`).join('');
    })
    .join('');
}

/**
 * QuestDB from docker.io/questdb/questdb (CONTRACTS §18 and its correction). The PostgreSQL wire
 * endpoint is the primary port; the REST API and console on 9000 get HTTP basic auth with the
 * same credentials (OSS supports it) and are published for the readiness probe. All credentials
 * live in conf/server.conf, a secret file, not in QDB_* env. Run as a plain uid: the entrypoint
 * then neither chowns nor steps down (it only does both when started as root).
 */
export class QuestdbAdapter extends BaseAdapter {
  readonly engine: EngineId = 'questdb';
  readonly displayName = 'QuestDB';
  readonly description = 'Time-series database with SQL over the PostgreSQL wire protocol';
  readonly category: EngineCategory = 'time_series';
  readonly defaultImage = 'docker.io/questdb/questdb';
  readonly defaultVersion = '9.4.0';
  readonly versions: readonly string[] = ['9.4.0'];
  readonly ports: readonly EnginePort[] = [
    { name: 'pgwire', containerPort: 8812, primary: true },
    { name: 'http', containerPort: 9000, publish: true },
    { name: 'ilp', containerPort: 9009 },
    { name: 'health', containerPort: 9003 },
  ];
  override readonly unsupported = {
    databases: 'one logical database (qdb); the database name is not used',
    users: 'SQL user management is Enterprise only; one PG-wire and HTTP user',
    rotation: 'the password is server configuration (QDB_PG_PASSWORD) read at start: no statement changes it',
    ilpTcpAuth: 'ILP over TCP (9009) has no password auth in OSS (a JWK key file only): it is never published',
    tls: 'not in OSS',
    backup: 'CHECKPOINT CREATE, a copy of the whole data directory, and an offline restore with a _restore trigger file: the module replaces single data files only, not offered',
  };
  override readonly minMemoryMb = 1024;
  override readonly startupTimeoutMs = 60_000;
  protected override readonly metricsRole = new QuestdbMetrics();
  protected override readonly defaultPidsLimit = 4096;

  override memoryShares(s: SizingInput): Record<string, number> {
    // A modest heap: QuestDB works mostly off-heap and through mmap.
    return { heap: jvmHeapMb(s.memoryMb, 0.25) };
  }

  /** server.conf: the PG-wire and HTTP credentials; everything else keeps QuestDB's defaults. */
  serverConf(input: AdapterInput): string {
    const user = input.username; // checked identifier
    const pw = propertyValue(input.password);
    return [`pg.user=${user}`, `pg.password=${pw}`, `http.user=${user}`, `http.password=${pw}`, 'telemetry.enabled=false', ''].join('\n');
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    const heap = this.memoryShares(input.sizing).heap;
    return {
      // Prepended to the java command by the image's entrypoint.
      env: { JVM_PREPEND: `-Xms${heap}m -Xmx${heap}m` },
      // Any uid works on pre-owned dirs (the entrypoint runs the server as the current user): no capabilities.
      user: '10001:10001',
      dataDir: '/var/lib/questdb',
      // conf/ as its own dir owned by that uid: QuestDB writes its other default conf files beside server.conf.
      extraVolumes: { conf: CONF_DIR },
      files: [{ target: `${CONF_DIR}/server.conf`, content: this.serverConf(input), kind: 'secret' }],
    };
  }

  /** Host-side on the published REST port: SELECT 1 answers 200 only with the credentials. */
  protected probe(input: AdapterInput): Probe {
    return {
      kind: 'http', containerPort: 9000, path: '/exec?query=SELECT%201',
      headers: { Authorization: this.basicAuth(input.username, input.password) }, expectStatus: [200],
    };
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri('postgresql', { ...d, database: 'qdb' }, '/qdb');
  }
}
