import { AdapterInputError } from '../../errors.js';
import { MeiliMetrics } from './families/search-metrics.js';
import { BaseAdapter, traits, share, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe, SizingInput } from './types.js';

/**
 * Meilisearch from docker.io/getmeili/meilisearch (CONTRACTS §20): the password is the master key,
 * given in a TOML configuration file (a secret; MEILI_CONFIG_FILE_PATH names it) instead of
 * MEILI_MASTER_KEY, so it stays out of env. Env still carries the rest (env beats the file).
 */
export class MeilisearchAdapter extends BaseAdapter {
  readonly engine: EngineId = 'meilisearch';
  readonly displayName = 'Meilisearch';
  readonly description = 'Fast, typo-tolerant search engine with a REST API';
  readonly category: EngineCategory = 'search';
  readonly defaultImage = 'docker.io/getmeili/meilisearch';
  readonly defaultVersion = 'v1.13';
  readonly versions: readonly string[] = ['v1.13', 'v1.12', 'v1.11'];
  readonly ports = [{ name: 'http', containerPort: 7700, primary: true }];
  override readonly traits = traits({ supportsReadOnlyRootfs: true });
  override readonly unsupported = {
    databases: 'indexes, not databases; the database name is not used',
    users: 'API keys derived from the master key, not users',
    rotation: 'the master key is fixed at start; rotating it is a restart with a new key, which changes every derived key',
    tls: 'MEILI_SSL_* env names are unverified; not wired',
    backup: 'POST /dumps writes a dump file inside the container, and a restore restarts the engine with --import-dump: not offered',
  };
  override readonly minMemoryMb = 256;
  override readonly startupTimeoutMs = 30_000;
  protected override readonly metricsRole = new MeiliMetrics();

  override memoryShares(s: SizingInput): Record<string, number> {
    return { maxIndexingMemory: share(s.memoryMb, 0.5, 128) };
  }

  protected override checkInput(input: AdapterInput): void {
    super.checkInput(input);
    // Production mode refuses master keys shorter than 16 bytes.
    if (Buffer.byteLength(input.password, 'utf8') < 16) throw new AdapterInputError('Meilisearch needs a master key (password) of at least 16 bytes');
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    return {
      env: {
        MEILI_CONFIG_FILE_PATH: '/run/secrets/meilisearch.toml',
        MEILI_ENV: 'production',
        MEILI_NO_ANALYTICS: 'true',
        MEILI_DB_PATH: '/meili_data/data.ms',
        MEILI_MAX_INDEXING_MEMORY: `${this.memoryShares(input.sizing).maxIndexingMemory}Mb`,
        MEILI_MAX_INDEXING_THREADS: String(Math.max(1, Math.floor(input.sizing.cpus))),
      },
      // Runs as root with no user switch: no capabilities.
      dataDir: '/meili_data',
      // A TOML basic string: JSON's escaping is valid there (control characters are refused).
      files: [this.secret('meilisearch.toml', `master_key = ${JSON.stringify(input.password)}\n`)],
      pidsLimit: 2048,
    };
  }

  /** Host-side: /health is open, so ask for the key list, which needs the master key. */
  protected probe(input: AdapterInput): Probe {
    return {
      kind: 'http', containerPort: 7700, path: '/keys?limit=1',
      headers: { Authorization: `Bearer ${input.password}` }, expectStatus: [200],
    };
  }

  connectionUri(d: ConnectionDetails): string {
    // The key travels as a Bearer header, never in the URL.
    return this.uri('http', { ...d, username: '', password: undefined });
  }
}
