/**
 * The engine matrix's facts, read from the adapters themselves (never typed in twice), so the
 * README and docs/engine-matrix.md cannot drift from what the module does: each row plans a sample
 * instance and reports where its password went, how readiness is probed, what runs on the first
 * start, how the container is hardened and what the adapter says it does not support.
 */
import { createHash } from 'node:crypto';
import { STANDIN_ENGINES } from '../../../images/kit.js';
import { loadRecipe } from '../../../images/recipe.js';
import { listAdapters } from '../registry.js';
import type { AdapterInput, EngineAdapter, EngineCapabilities } from '../types.js';

/** Engines run for real on this machine: the stand-in image kit's (test/podman/instances.test.ts), and DuckDB in-process. */
export const LIVE_HERE: readonly string[] = [...STANDIN_ENGINES, 'duckdb'];

/** Meets every adapter's password rules; only ever used to find where a plan puts the password. */
const SAMPLE_PASSWORD = 'Matrix-Sample-Passw0rd-7Kq2';
/** The reference SKU of the sizing column (d2), or the engine's minimum when that is larger. */
const REFERENCE = { memoryMb: 4096, cpus: 2, storageGb: 50 };

export interface MatrixRow {
  engine: string;
  displayName: string;
  category: string;
  verifiedLive: boolean;
  /** How it ran here: the stand-in image and the official contract it honours; null when not live. */
  liveAs: string | null;
  image: string;
  otherVersions: string[];
  /** `name port` with * for the primary port and + for other published ones. */
  ports: string[];
  auth: string;
  password: string;
  probe: string;
  firstStart: string;
  runAs: string;
  capAdd: string[];
  readOnlyRootfs: boolean;
  minimum: string;
  sizing: string;
  capabilities: string[];
  unsupported: [string, string][];
}

function sampleInput(a: EngineAdapter, version = a.defaultVersion): AdapterInput {
  return {
    containerName: `flux-db-${a.engine}`, databaseName: 'app', username: a.fixedUsername ?? 'app_user',
    password: SAMPLE_PASSWORD, version,
    sizing: { ...REFERENCE, memoryMb: Math.max(REFERENCE.memoryMb, a.minMemoryMb), cpus: Math.max(REFERENCE.cpus, a.minCpus) },
  };
}

const code = (s: string) => `\`${s}\``;

/** Where a planned container holds the password: env (visible to podman inspect), secret files, a hash. */
function passwordChannel(a: EngineAdapter, version: string): string {
  if (!a.capabilities.hasAuthentication) return 'none: the engine runs without authentication';
  if (a.kind === 'embedded') return 'none: the module opens the file in-process';
  const plan = a.plan(sampleInput(a, version));
  const hash = createHash('sha256').update(SAMPLE_PASSWORD, 'utf8').digest('hex');
  const parts: string[] = [];
  const envNames = Object.entries(plan.env).filter(([, v]) => v.includes(SAMPLE_PASSWORD)).map(([k]) => code(k));
  if (envNames.length) parts.push(`**container environment** (${envNames.join(', ')}): \`podman inspect\` shows it`);
  for (const f of plan.files) {
    const pointer = Object.entries(plan.env).find(([, v]) => v === f.target)?.[0];
    const via = pointer ? ` via ${code(pointer)}` : '';
    if (f.content.includes(SAMPLE_PASSWORD)) parts.push(`${f.kind} file ${code(f.target)}${via}`);
    else if (f.content.includes(hash)) parts.push(`SHA-256 only, in ${f.kind} file ${code(f.target)}`);
  }
  return parts.length ? parts.join('; ') : 'not in the container definition (set by a first-start step)';
}

/** The readiness probe in a few words (exec runs inside the container; the others from the host). */
function probeSummary(a: EngineAdapter, version: string): string {
  const p = a.readinessProbe(sampleInput(a, version)) as { kind: string; containerPort?: number; path?: string; argv?: string[]; scheme?: string };
  if (p.kind === 'exec') return `exec ${code(p.argv![0]!)} inside the container`;
  if (p.kind === 'http') return `${p.scheme ?? 'http'} ${code(`:${p.containerPort}${p.path}`)} from the host`;
  if (p.kind === 'tcp') return `tcp ${code(`:${p.containerPort}`)} from the host`;
  return `${p.kind} client on ${code(`:${p.containerPort}`)} from the host`;
}

function firstStartSummary(a: EngineAdapter, version: string): string {
  const steps = a.postStartCommands?.(sampleInput(a, version)) ?? [];
  if (!steps.length) return 'none';
  // A `sh -c script name …` step is known by its name ($0).
  const label = (argv: string[]) => (argv[1] === '-c' && argv[3] ? argv[3] : argv[0]!);
  return `${steps.map((s) => code(label(s.argv))).join(', ')}: each must exit 0 before the instance runs`;
}

/** The capability flags of GET /engines that are on (derived from the adapter's roles and traits). */
function capabilityNames(c: Readonly<EngineCapabilities>): string[] {
  const flags: [keyof EngineCapabilities, string][] = [
    ['supportsDatabases', 'databases'], ['supportsUsers', 'users'], ['supportsRotation', 'rotation'],
    ['supportsBackup', 'backup'], ['supportsRestore', 'restore'], ['supportsClone', 'clone'],
    ['supportsBrowse', 'browse'], ['supportsMetrics', 'metrics'], ['supportsTls', 'tls'],
    ['supportsReadOnlyRootfs', 'read-only root'], ['hasAuthentication', 'authentication'], ['isEmbedded', 'embedded'],
  ];
  return flags.filter(([k]) => c[k]).map(([, name]) => name);
}

/**
 * A fact per version, folded: one text when every version agrees, else `versions a, b: text` per
 * group (InfluxDB 1.x and 2.x are different contracts).
 */
function byVersion(a: EngineAdapter, fact: (a: EngineAdapter, version: string) => string): string {
  const groups = new Map<string, string[]>();
  for (const v of [a.defaultVersion, ...a.versions.filter((x) => x !== a.defaultVersion)]) {
    const text = fact(a, v);
    groups.set(text, [...(groups.get(text) ?? []), v]);
  }
  if (groups.size === 1) return [...groups.keys()][0]!;
  return [...groups].map(([text, vs]) => `${vs.map(code).join(', ')}: ${text}`).join('<br>');
}

async function liveAs(engine: string): Promise<string | null> {
  if (!LIVE_HERE.includes(engine)) return null;
  if (engine === 'duckdb') return 'in-process through `@duckdb/node-api`';
  const { recipe } = await loadRecipe(engine);
  const kind = recipe.protocolStandin ? 'a protocol stand-in' : 'a stand-in';
  return `${kind} (\`flux-standin-${engine}:${recipe.tag}\`, Debian packages) honouring \`${recipe.standinFor}\``;
}

export async function matrixRow(a: EngineAdapter): Promise<MatrixRow> {
  const embedded = a.kind === 'embedded';
  const plan = embedded ? undefined : a.plan(sampleInput(a));
  const i = sampleInput(a);
  const shares = (a as EngineAdapter & { memoryShares?(s: object): Record<string, number> }).memoryShares?.(i.sizing) ?? {};
  return {
    engine: a.engine,
    displayName: a.displayName,
    category: a.category,
    verifiedLive: LIVE_HERE.includes(a.engine),
    liveAs: await liveAs(a.engine),
    image: embedded ? `embedded (${a.defaultImage}:${a.defaultVersion} for reference)` : `${a.defaultImage}:${a.defaultVersion}`,
    otherVersions: a.versions.filter((v) => v !== a.defaultVersion),
    ports: a.ports.map((p) => `${p.name} ${p.containerPort}${p.primary ? '*' : p.publish ? '+' : ''}`),
    auth: !a.capabilities.hasAuthentication ? 'none' : a.fixedUsername ? `user ${code(a.fixedUsername)} (forced)` : 'a generated user',
    password: byVersion(a, passwordChannel),
    probe: embedded ? 'the module opens the file' : byVersion(a, probeSummary),
    firstStart: embedded ? 'none' : byVersion(a, firstStartSummary),
    runAs: plan?.user ?? (embedded ? 'the module' : "the image's own user (its entrypoint decides)"),
    capAdd: plan?.capAdd ?? [],
    readOnlyRootfs: plan?.readOnlyRootfs ?? false,
    minimum: `${a.minMemoryMb} MB, ${a.minCpus} CPU`,
    sizing: Object.entries(shares).map(([k, v]) => `${k} ${v} MB`).join(', ') || '—',
    capabilities: capabilityNames(a.capabilities),
    unsupported: Object.entries(a.unsupported),
  };
}

/** One row per engine, in ENGINE_IDS order. */
export async function engineMatrix(): Promise<MatrixRow[]> {
  return Promise.all(listAdapters().map(matrixRow));
}
