import { BaseAdapter, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe } from './types.js';

/** Typesense from docker.io/typesense/typesense (CONTRACTS §21): the password is the bootstrap admin API key. */
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
    tls: 'TLS flags exist but are not wired',
    memoryCap: 'indexes live in RAM with no engine knob: the container limit is the only cap',
  };
  override readonly minMemoryMb = 256;
  override readonly startupTimeoutMs = 60_000;

  protected containerPlan(input: AdapterInput): PlanParts {
    return {
      // Both are required; env keeps the key out of argv.
      env: { TYPESENSE_API_KEY: input.password, TYPESENSE_DATA_DIR: '/data', TYPESENSE_ENABLE_CORS: 'false' },
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
