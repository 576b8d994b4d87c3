import { AdapterInputError } from '../../errors.js';
import { Neo4jMetrics } from './families/neo4j-metrics.js';
import { renderConfig } from '../orchestration/config-renderer.js';
import { BaseAdapter, jvmHeapMb, share, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe, SizingInput } from './types.js';
import { Neo4jStatements } from './accounts/nosql-declared.js';

/**
 * Neo4j Community from docker.io/library/neo4j (CONTRACTS §22). The admin must be `neo4j`; its
 * initial password comes from NEO4J_AUTH_PATH, a secret file holding `neo4j/<password>` (the
 * entrypoint reads it instead of NEO4J_AUTH, so the password stays out of env). Community has one
 * database, `neo4j`.
 */
export class Neo4jAdapter extends BaseAdapter {
  readonly engine: EngineId = 'neo4j';
  readonly displayName = 'Neo4j';
  readonly description = 'Native graph database queried with Cypher (Community edition)';
  readonly category: EngineCategory = 'graph';
  /** Declared, not run: no image of this engine runs where the module is verified. */
  override readonly declaredAccounts = new Neo4jStatements();
  readonly defaultImage = 'docker.io/library/neo4j';
  readonly defaultVersion = '5.26';
  readonly versions: readonly string[] = ['5.26', '2026.07.1'];
  readonly ports = [
    { name: 'bolt', containerPort: 7687, primary: true },
    { name: 'http', containerPort: 7474 },
  ];
  override readonly unsupported = {
    databases: 'CREATE DATABASE is Enterprise only; Community serves the single database neo4j',
    backup: 'Community dumps offline only: neo4j-admin database dump needs the database stopped, and the server is the container\'s own process: not offered',
    tls: 'certificate layout for bolt/https is unverified; not wired',
    readOnlyRootfs: 'the entrypoint appends to conf/neo4j.conf and chmods $NEO4J_HOME',
  };
  override readonly minMemoryMb = 1024;
  override readonly startupTimeoutMs = 120_000;
  protected override readonly metricsRole = new Neo4jMetrics();
  override readonly fixedUsername = 'neo4j';
  protected override readonly defaultPidsLimit = 4096;
  protected override readonly defaultNofile = 40000;
  protected override readonly defaultStopTimeoutSeconds = 60;

  override memoryShares(s: SizingInput): Record<string, number> {
    // Heap 40 %, page cache 35 %, the rest for the JVM's native memory and the OS.
    return { heap: jvmHeapMb(s.memoryMb, 0.4), pageCache: share(s.memoryMb, 0.35, 128) };
  }

  protected override checkInput(input: AdapterInput): void {
    super.checkInput(input);
    if (input.password.length < 8 || input.password === 'neo4j') throw new AdapterInputError('Neo4j needs a password of at least 8 characters, not "neo4j"');
    // The entrypoint splits neo4j/<password> on "/" (^([^/]+)/([^/]+)/?(true)?$).
    if (input.password.includes('/')) throw new AdapterInputError('Neo4j passwords cannot contain "/" (the image reads neo4j/<password>)');
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    const m = this.memoryShares(input.sizing);
    const conf = renderConfig('neo4j', 'neo4j.conf.njk', {
      containerName: input.containerName, memoryMb: input.sizing.memoryMb, boltPort: 7687, httpPort: 7474,
      heapMb: m.heap!, pageCacheMb: m.pageCache!,
    });
    return {
      env: { NEO4J_AUTH_PATH: '/run/secrets/neo4j-auth' },
      // --user on pre-owned mounts skips the chown/su-exec branch: no capabilities.
      user: '7474:7474',
      dataDir: '/data',
      logsDir: '/logs',
      files: [{ target: '/conf/neo4j.conf', content: conf, kind: 'config' }, this.secret('neo4j-auth', `neo4j/${input.password}`)],
    };
  }

  /** cypher-shell over bolt to 127.0.0.1; it reads the password from NEO4J_PASSWORD. */
  protected probe(input: AdapterInput): Probe {
    return {
      kind: 'exec',
      argv: ['cypher-shell', '-a', 'bolt://127.0.0.1:7687', '-u', 'neo4j', '--format', 'plain', 'RETURN 1 AS ok'],
      env: { NEO4J_PASSWORD: input.password },
      expectStdout: /^1$/m,
    };
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri('neo4j', d);
  }
}
