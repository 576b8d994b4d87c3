import { BaseAdapter, jvmHeapMb, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe, SizingInput } from './types.js';

/**
 * QuestDB from docker.io/questdb/questdb (CONTRACTS §18). Only the PostgreSQL wire endpoint has
 * credentials in OSS (QDB_PG_USER / QDB_PG_PASSWORD), so it is the primary port; the REST API and
 * console on 9000 have no auth and are not published.
 */
export class QuestdbAdapter extends BaseAdapter {
  readonly engine: EngineId = 'questdb';
  readonly displayName = 'QuestDB';
  readonly description = 'Time-series database with SQL over the PostgreSQL wire protocol';
  readonly category: EngineCategory = 'time_series';
  readonly defaultImage = 'docker.io/questdb/questdb';
  readonly defaultVersion = '9.4.0';
  readonly versions: readonly string[] = ['9.4.0'];
  readonly ports = [
    { name: 'pgwire', containerPort: 8812, primary: true },
    { name: 'http', containerPort: 9000 },
    { name: 'ilp', containerPort: 9009 },
    { name: 'health', containerPort: 9003 },
  ];
  override readonly unsupported = {
    databases: 'one logical database (qdb); the database name is not used',
    users: 'SQL user management is Enterprise only; one PG-wire user',
    restApiAuth: 'the REST API and web console (9000) and ILP (9009) have no auth in OSS: never publish them',
    tls: 'not in OSS',
  };
  override readonly minMemoryMb = 1024;
  override readonly startupTimeoutMs = 60_000;
  protected override readonly defaultPidsLimit = 4096;

  override memoryShares(s: SizingInput): Record<string, number> {
    // A modest heap: QuestDB works mostly off-heap and through mmap.
    return { heap: jvmHeapMb(s.memoryMb, 0.25) };
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    return {
      env: {
        QDB_PG_USER: input.username,
        QDB_PG_PASSWORD: input.password,
        QDB_TELEMETRY_ENABLED: 'false',
        // Honoured by any JVM; the image's launcher has no documented heap variable (unverified).
        JAVA_TOOL_OPTIONS: `-Xms${this.memoryShares(input.sizing).heap}m -Xmx${this.memoryShares(input.sizing).heap}m`,
      },
      // The entrypoint steps down from root to questdb (mechanism unverified): switch capabilities.
      capAdd: ['SETUID', 'SETGID', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER'],
      dataDir: '/var/lib/questdb',
    };
  }

  /** Host-side: the min HTTP server's status (no credentials exist for it). */
  protected probe(_input: AdapterInput): Probe {
    return { kind: 'http', containerPort: 9003, path: '/status', expectStatus: [200] };
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri('postgresql', { ...d, database: 'qdb' }, '/qdb');
  }
}
