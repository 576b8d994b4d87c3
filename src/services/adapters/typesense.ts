import { AdapterInputError } from '../../errors.js';
import { TypesenseMetricsRole } from './families/search-metrics.js';
import { BaseAdapter, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe } from './types.js';

const CONFIG_FILE = '/run/secrets/typesense-server.ini';

/**
 * Typesense from docker.io/typesense/typesense (CONTRACTS §21): the password is the bootstrap
 * admin API key. typesense-server reads env, then the --config ini, then its arguments, so the key
 * goes in the ini (a secret) and never into env or argv.
 */
export class TypesenseAdapter extends BaseAdapter {
  readonly engine: EngineId = 'typesense';
  readonly displayName = 'Typesense';
  readonly description = 'In-memory search engine with typo tolerance and a REST API';
  readonly category: EngineCategory = 'search';
  readonly defaultImage = 'docker.io/typesense/typesense';
  readonly defaultVersion = '29.0';
  readonly versions: readonly string[] = ['29.0', '28.0', '27.1'];
  readonly ports = [{ name: 'http', containerPort: 8108, primary: true }];
  override readonly unsupported = {
    databases: 'collections, not databases; the database name is not used',
    users: 'API keys, not users',
    rotation: 'the bootstrap admin key is fixed at start (--api-key); rotating it is a restart with a new key',
    tls: 'TLS flags exist but are not wired',
    backup: 'the snapshot API writes a directory inside the container, and a restore replaces the data directory offline: not offered',
    memoryCap: 'indexes live in RAM with no engine knob: the container limit is the only cap',
  };
  override readonly minMemoryMb = 256;
  override readonly startupTimeoutMs = 60_000;
  protected override readonly metricsRole = new TypesenseMetricsRole();

  protected override checkInput(input: AdapterInput): void {
    super.checkInput(input);
    // inih trims values and cuts them at an inline comment (";" after a blank).
    if (/^\s|\s$|\s;/.test(input.password)) {
      throw new AdapterInputError('Typesense keeps the API key in an ini file: no leading or trailing blanks, no blank before ";"');
    }
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    return {
      // The image's entrypoint is typesense-server itself.
      cmd: [`--config=${CONFIG_FILE}`],
      env: { TYPESENSE_DATA_DIR: '/data', TYPESENSE_ENABLE_CORS: 'false' },
      files: [this.secret('typesense-server.ini', `[server]\napi-key = ${input.password}\n`)],
      // Runs as root (unverified) with no user switch: no capabilities.
      dataDir: '/data',
      pidsLimit: 2048,
    };
  }

  /** Host-side (no curl in the image): /health is open, so list collections with the key. */
  protected probe(input: AdapterInput): Probe {
    return {
      kind: 'http', containerPort: 8108, path: '/collections',
      headers: { 'X-TYPESENSE-API-KEY': input.password }, expectStatus: [200],
    };
  }

  connectionUri(d: ConnectionDetails): string {
    // The key travels in X-TYPESENSE-API-KEY, never in the URL.
    return this.uri('http', { ...d, username: '', password: undefined });
  }
}
