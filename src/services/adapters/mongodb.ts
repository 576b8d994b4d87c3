import { renderConfig } from '../orchestration/config-renderer.js';
import { MongoMetrics } from './families/mongo-metrics.js';
import { BaseAdapter, traits, clamp, percentEncode, userTmpfsOpts, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe, SizingInput } from './types.js';
import { MongoStatements } from './accounts/nosql-declared.js';
import { MongoBackup } from './families/mongo-backup.js';

const CONFIG_FILE = '/etc/mongo/mongod.conf';

/** MongoDB from docker.io/library/mongo (CONTRACTS §8). The instance user is the root user in `admin`. */
export class MongodbAdapter extends BaseAdapter {
  readonly engine: EngineId = 'mongodb';
  readonly displayName = 'MongoDB';
  readonly description = 'Document database with flexible JSON-like documents';
  readonly category: EngineCategory = 'document';
  /** Declared, not run: no image of this engine runs where the module is verified. */
  override readonly declaredAccounts = new MongoStatements();
  readonly defaultImage = 'docker.io/library/mongo';
  readonly defaultVersion = '8.0';
  readonly versions: readonly string[] = ['8.0', '7.0', '8.2'];
  readonly ports = [{ name: 'mongodb', containerPort: 27017, primary: true }];
  override readonly traits = traits({ supportsReadOnlyRootfs: true });
  /** Declared from the tools' sources (mongodump --archive to stdout), not carried: no MongoDB runs where the module is verified. */
  override readonly declaredBackup = new MongoBackup();
  override readonly unsupported = {
    tls: 'mongod needs one PEM holding certificate and key; the module issues them as two files',
    transactions: 'needs a replica set (--replSet plus a keyFile); the instance is a standalone mongod',
    backup: 'declared from the tools\' sources (mongodump --archive to stdout, mongorestore --archive in), never run: no MongoDB runs where the module is verified, so not offered',
  };
  override readonly minMemoryMb = 512;
  override readonly startupTimeoutMs = 90_000;
  protected override readonly metricsRole = new MongoMetrics();
  /**
   * The entrypoint runs the init scripts on a temporary mongod on 127.0.0.1:27017, which the
   * probe (inside the container) reaches too, then restarts: two answers in a row, not one.
   */
  override readonly readySuccesses = 2;
  protected override readonly logFormat = 'json' as const;

  override memoryShares(s: SizingInput): Record<string, number> {
    // mongod's own rule applied to the container: 50 % of (memory - 1 GB), at least 256 MB.
    return { wiredTigerCache: Math.max(256, Math.floor((s.memoryMb - 1024) * 0.5)) };
  }

  renderConfig(input: AdapterInput): string {
    const cacheMb = this.memoryShares(input.sizing).wiredTigerCache!;
    return renderConfig('mongodb', 'mongod.conf.njk', {
      containerName: input.containerName, memoryMb: input.sizing.memoryMb, cpus: input.sizing.cpus, port: 27017,
      cacheSizeGb: Math.floor((cacheMb / 1024) * 100) / 100,
      maxConnections: clamp(input.sizing.memoryMb, 200, 20000),
    });
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    return {
      env: {
        MONGO_INITDB_ROOT_USERNAME: input.username,
        MONGO_INITDB_ROOT_PASSWORD_FILE: '/run/secrets/root-password',
        MONGO_INITDB_DATABASE: input.databaseName,
      },
      cmd: ['mongod', '--config', CONFIG_FILE],
      user: '999:999',
      dataDir: '/data/db',
      files: [
        this.secret('root-password', input.password),
        { target: CONFIG_FILE, content: this.renderConfig(input), kind: 'config' },
      ],
      // /data/configdb is only used by config servers; a tmpfs keeps the image's VOLUME off anonymous volumes.
      tmpfs: { '/data/configdb': userTmpfsOpts(16) },
      pidsLimit: 2048,
      stopTimeoutSeconds: 60,
    };
  }

  /**
   * Authenticates against admin over TCP, then pings. mongosh is a Node REPL, so the script reads
   * the credentials from process.env: nothing secret in argv.
   */
  protected probe(input: AdapterInput): Probe {
    const script =
      "const a = db.getSiblingDB('admin').auth(process.env.FLUX_PROBE_USER, process.env.FLUX_PROBE_PASSWORD);" +
      " print(a.ok === 1 && db.adminCommand({ ping: 1 }).ok === 1 ? 'flux-ready' : 'not-ready')";
    return {
      kind: 'exec',
      argv: ['mongosh', '--quiet', '--norc', '--host', '127.0.0.1', '--port', '27017', '--eval', script],
      env: { FLUX_PROBE_USER: input.username, FLUX_PROBE_PASSWORD: input.password },
      expectStdout: /flux-ready/,
    };
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri('mongodb', d, `/${percentEncode(d.database)}`, 'authSource=admin');
  }
}
