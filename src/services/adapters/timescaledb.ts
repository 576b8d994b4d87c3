import { PostgresqlAdapter } from './postgresql.js';
import { PostgresBackup } from './families/postgres-backup.js';
import type { AdapterInput, EngineCategory, EngineId } from './types.js';
import { PostgresBrowser } from './families/postgres-browser.js';

/**
 * TimescaleDB: PostgreSQL plus the extension (CONTRACTS §17). Tags carry the PostgreSQL major as
 * `-pgNN`; everything else is PostgreSQL's. The image is alpine-based (postgres is uid 70), but
 * the plan keeps PostgreSQL's --user 999:999: the alpine entrypoint maps an unknown uid with
 * nss_wrapper, and the local Debian stand-in's postgres is 999, so one uid serves both.
 */
export class TimescaledbAdapter extends PostgresqlAdapter {
  override readonly engine: EngineId = 'timescaledb';
  override readonly displayName = 'TimescaleDB';
  override readonly description = 'PostgreSQL with the TimescaleDB extension for time-series data';
  override readonly category: EngineCategory = 'time_series';
  override readonly defaultImage = 'docker.io/timescale/timescaledb';
  override readonly defaultVersion = '2.26.0-pg17';
  override readonly versions: readonly string[] = ['2.26.0-pg17', '2.26.0-pg16', '2.26.0-pg18'];
  override readonly minMemoryMb = 512;
  protected override readonly backupRole = new PostgresBackup({ timescale: true, pgMajor: (v) => this.pgMajor(v) });
  protected override readonly browserRole = new PostgresBrowser({ hypertables: true });

  protected override pgMajor(version: string): number {
    return Number(/-pg(\d+)$/.exec(version)?.[1] ?? '0');
  }

  // The library must be preloaded (also for the entrypoint's init server, which gets the same args);
  // telemetry off because instances must not phone home.
  protected override extraConfig(_input: AdapterInput) {
    return { preload: 'timescaledb', settings: [{ key: 'timescaledb.telemetry_level', value: 'off' }] };
  }

  protected override containerPlan(input: AdapterInput) {
    const plan = super.containerPlan(input);
    // timescaledb-tune would size from cgroup limits and edit PGDATA's postgresql.conf, which is
    // not the file in use; the rendered config already carries the SKU's sizing.
    plan.env = { ...plan.env, TIMESCALEDB_TELEMETRY: 'off', NO_TS_TUNE: 'true' };
    return plan;
  }
}
