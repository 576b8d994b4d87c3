import { BaseAdapter, traits, share, type PlanParts } from './base.js';
import { DuckdbMetrics } from './families/duckdb-metrics.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe, SizingInput } from './types.js';
import { DuckdbBrowser } from './families/duckdb-browser.js';
import { DuckdbBackup } from './families/duckdb-backup.js';

/**
 * DuckDB (CONTRACTS §25) is an in-process engine: the module serves it itself with
 * @duckdb/node-api from `<database>.duckdb` in the instance's data volume, so there is no
 * container. plan() still describes the official CLI image's facts for completeness; nothing runs it.
 */
export class DuckdbAdapter extends BaseAdapter {
  readonly engine: EngineId = 'duckdb';
  readonly displayName = 'DuckDB';
  readonly description = 'Embedded analytical SQL database in a single file';
  readonly category: EngineCategory = 'embedded';
  readonly defaultImage = 'docker.io/duckdb/duckdb';
  readonly defaultVersion = '1.5';
  // The engine is the one @duckdb/node-api bundles (1.5.x); the CLI image tag is only informative.
  readonly versions: readonly string[] = ['1.5'];
  readonly ports = [];
  override readonly kind = 'embedded' as const;
  override readonly traits = traits({ hasAuthentication: false, supportsReadOnlyRootfs: true });
  protected override readonly browserRole = new DuckdbBrowser();
  protected override readonly backupRole = new DuckdbBackup();
  protected override readonly metricsRole = new DuckdbMetrics();
  override readonly unsupported = {
    authentication: 'an embedded file has no users or passwords; access is the module\'s',
    users: 'no users in the engine',
    databases: 'an instance is one database file; attaching further files is not offered',
    network: 'no server: the file is opened in-process by the module',
    tls: 'no network endpoint',
    concurrentWriters: 'one read-write handle per file',
  };
  override readonly minMemoryMb = 128;
  override readonly minCpus = 0.5;
  override readonly startupTimeoutMs = 10_000;

  override memoryShares(s: SizingInput): Record<string, number> {
    return { memoryLimit: share(s.memoryMb, 0.8, 64) };
  }

  protected containerPlan(_input: AdapterInput): PlanParts {
    return { dataDir: '/data', pidsLimit: 64 };
  }

  /** Never run for a container; the module checks the file in-process instead. */
  protected probe(_input: AdapterInput): Probe {
    return { kind: 'exec', argv: ['duckdb', '-readonly', '-c', 'SELECT 1'] };
  }

  connectionUri(d: ConnectionDetails): string {
    // The module's embedded engine serves <data dir>/<database>.duckdb; host is not meaningful.
    return `duckdb:///${encodeURIComponent(d.database)}.duckdb`;
  }
}
