import { AdapterInputError } from '../../errors.js';
import { parseLogLevel, type LogFormat } from './log-levels.js';
import type { AccountStatements } from './accounts/statements.js';
import type { AccountsRole, BackupRole, BrowserRole, EngineRoles, MetricsRole } from './roles/index.js';
import type {
  AdapterInput, ClientCommand, ConnectionDetails, ContainerPlan, EngineAdapter, EngineCapabilities, EngineCategory, EngineId,
  EnginePort, EngineTraits, ExecStep, InstanceKind, LogLevel, PlannedFile, Probe, SizingInput,
} from './types.js';

/** Database and user names as the routes accept them; adapters check again before using one. */
export const IDENTIFIER_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/** Throws unless `value` is a plain identifier (lower-case letter, then letters, digits, underscore; at most 63). */
export function assertIdentifier(kind: string, value: string): string {
  if (typeof value !== 'string' || !IDENTIFIER_PATTERN.test(value)) {
    throw new AdapterInputError(`invalid ${kind} ${JSON.stringify(value)}: must match ${IDENTIFIER_PATTERN}`);
  }
  return value;
}

/** Percent-encodes a URI component, including the sub-delimiters encodeURIComponent leaves alone. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Trait defaults:
 * - supportsTls: false; set only where the adapter renders the engine's TLS settings from AdapterInput.tls.
 * - supportsReadOnlyRootfs: false; set only where CONTRACTS.md says the image runs with --read-only.
 * - hasAuthentication: true; engines without auth say false and list the reason in `unsupported`.
 */
export const DEFAULT_TRAITS: Readonly<EngineTraits> = Object.freeze({
  supportsTls: false,
  supportsReadOnlyRootfs: false,
  hasAuthentication: true,
});

export function traits(overrides: Partial<EngineTraits> = {}): Readonly<EngineTraits> {
  return Object.freeze({ ...DEFAULT_TRAITS, ...overrides });
}

/** The advertised capabilities: an operation is on exactly when the adapter carries its role. */
export function deriveCapabilities(kind: InstanceKind, t: Readonly<EngineTraits>, roles: Readonly<EngineRoles>): Readonly<EngineCapabilities> {
  const restores = roles.backup?.restores ?? false;
  return Object.freeze({
    ...t,
    supportsDatabases: roles.accounts?.databases ?? false,
    supportsUsers: roles.accounts?.users ?? false,
    supportsRotation: roles.accounts?.rotates ?? false,
    supportsBackup: roles.backup !== undefined,
    supportsRestore: restores,
    supportsClone: restores,
    supportsBrowse: roles.browser !== undefined,
    supportsMetrics: roles.metrics !== undefined,
    isEmbedded: kind === 'embedded',
  });
}

export const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** floor(memoryMb * fraction), clamped: heap sizes, buffer pools, caches. */
export function share(memoryMb: number, fraction: number, minMb: number, maxMb = Number.POSITIVE_INFINITY): number {
  return clamp(Math.floor(memoryMb * fraction), minMb, maxMb);
}

/** A JVM heap: half the memory, at least 256 MB, at most 31 GB (compressed oops). */
export function jvmHeapMb(memoryMb: number, fraction = 0.5): number {
  return share(memoryMb, fraction, 256, 31 * 1024);
}

/** tmpfs mount options: writable, no devices or setuid, sticky world-writable (for /tmp). */
export const tmpfsOpts = (sizeMb: number, mode = '1777'): string => `rw,nosuid,nodev,size=${sizeMb}m,mode=${mode}`;

/**
 * tmpfs owned by the container user, for socket dirs that exist in the image (/run/postgresql,
 * /run/mysqld). runc gives a tmpfs over an existing dir that dir's mode with root as owner, so
 * mode=1777 has no effect there; Podman's `U` option chowns it to --user (checked on Podman 4.3,
 * CLI and compat API).
 */
export const userTmpfsOpts = (sizeMb: number): string => `rw,nosuid,nodev,size=${sizeMb}m,U`;

/** Parts an engine plans; BaseAdapter.plan fills in the documented defaults for the rest. */
export type PlanParts = Partial<ContainerPlan> & { dataDir: string };

export abstract class BaseAdapter implements EngineAdapter {
  abstract readonly engine: EngineId;
  abstract readonly displayName: string;
  abstract readonly description: string;
  abstract readonly category: EngineCategory;
  abstract readonly defaultImage: string;
  abstract readonly defaultVersion: string;
  abstract readonly versions: readonly string[];
  abstract readonly ports: readonly EnginePort[];

  readonly kind: InstanceKind = 'container';
  readonly traits: Readonly<EngineTraits> = DEFAULT_TRAITS;
  /**
   * The engine's operations, one field per role so each feature adds its own line:
   * `protected override readonly backupRole = new PostgresBackup()`. Absent: not offered.
   */
  protected readonly backupRole?: BackupRole;
  protected readonly accountsRole?: AccountsRole;
  protected readonly browserRole?: BrowserRole;
  protected readonly metricsRole?: MetricsRole;

  /** Account statements declared only (EngineAdapter.declaredAccounts). */
  readonly declaredAccounts?: AccountStatements;
  /** A backup role declared only (EngineAdapter.declaredBackup). */
  readonly declaredBackup?: BackupRole;

  get roles(): Readonly<EngineRoles> {
    return { backup: this.backupRole, accounts: this.accountsRole, browser: this.browserRole, metrics: this.metricsRole };
  }
  readonly unsupported: Readonly<Record<string, string>> = {};
  /** Below this the engine does not start or is useless; plan() refuses smaller SKUs. */
  readonly minMemoryMb: number = 256;
  readonly minCpus: number = 0.5;
  /** Time from container start to a first ready probe, first initialisation included. */
  readonly startupTimeoutMs: number = 60_000;
  /** One answer is enough unless the entrypoint runs a temporary server the probe can reach (EngineAdapter.readySuccesses). */
  readonly readySuccesses: number = 1;
  readonly fixedUsername: string | null = null;

  get capabilities(): Readonly<EngineCapabilities> {
    return deriveCapabilities(this.kind, this.traits, this.roles);
  }

  /** Log parser used by logLevel(). */
  protected readonly logFormat: LogFormat = 'generic';
  /** Processes and threads: 1024 fits native engines up to ~900 connections; JVM engines ask for 4096. */
  protected readonly defaultPidsLimit: number = 1024;
  /** Open files wanted; the orchestrator clamps to the host's hard limit. */
  protected readonly defaultNofile: number = 65536;
  /** Long enough for a clean shutdown (checkpoint, flush) before SIGKILL. */
  protected readonly defaultStopTimeoutSeconds: number = 30;

  /**
   * Memory the engine is told to take, in MB, by name (heap, buffer pool, cache ...), derived from
   * the SKU. plan() uses the same figures; tests check they grow with the SKU and fit inside it.
   */
  memoryShares(_sizing: SizingInput): Record<string, number> {
    return {};
  }

  /** The engine's own part of the plan; identifiers, version and sizing are already checked. */
  protected abstract containerPlan(input: AdapterInput): PlanParts;
  /** The engine's readiness probe; identifiers are already checked. */
  protected abstract probe(input: AdapterInput): Probe;
  abstract connectionUri(details: ConnectionDetails): string;

  readinessProbe(input: AdapterInput): Probe {
    this.checkInput(input);
    return this.probe(input);
  }

  /** No stock client needs more than the URI unless the engine says so. */
  clientCommands(_details: ConnectionDetails): Record<string, ClientCommand> {
    return {};
  }

  postStartCommands(input: AdapterInput): ExecStep[] {
    this.checkInput(input);
    return this.firstStart(input);
  }

  /** One-time steps after the first ready probe; none by default. */
  protected firstStart(_input: AdapterInput): ExecStep[] {
    return [];
  }

  plan(input: AdapterInput): ContainerPlan {
    this.checkInput(input);
    const parts = this.containerPlan(input);
    const readOnlyRootfs = parts.readOnlyRootfs ?? this.traits.supportsReadOnlyRootfs;
    return {
      env: {},
      files: [],
      capAdd: [],
      pidsLimit: this.defaultPidsLimit,
      nofile: this.defaultNofile,
      stopTimeoutSeconds: this.defaultStopTimeoutSeconds,
      ...parts,
      // /tmp is always a private tmpfs: a read-only rootfs needs it and it keeps temp files off the image layer.
      tmpfs: { '/tmp': tmpfsOpts(Math.min(512, Math.max(64, Math.floor(input.sizing.memoryMb / 16)))), ...parts.tmpfs },
      readOnlyRootfs,
    };
  }

  logLevel(line: string): LogLevel {
    return parseLogLevel(this.logFormat, line);
  }

  /** Checks what every engine needs: identifiers, an accepted version, enough memory, a usable password. */
  protected checkInput(input: AdapterInput): void {
    assertIdentifier('database name', input.databaseName);
    assertIdentifier('username', input.username);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(input.containerName)) {
      throw new AdapterInputError(`invalid container name ${JSON.stringify(input.containerName)}`);
    }
    if (!this.versions.includes(input.version)) {
      throw new AdapterInputError(`${this.displayName} version "${input.version}" is not supported; supported: ${this.versions.join(', ')}`);
    }
    if (this.fixedUsername !== null && input.username !== this.fixedUsername) {
      throw new AdapterInputError(`${this.displayName} forces the username "${this.fixedUsername}", got "${input.username}"`);
    }
    if (!input.password || /[\u0000-\u001f\u007f]/.test(input.password)) {
      throw new AdapterInputError(`${this.displayName} password must be non-empty and free of control characters`);
    }
    const { memoryMb, cpus } = input.sizing;
    if (!(memoryMb >= this.minMemoryMb)) {
      throw new AdapterInputError(`${this.displayName} needs at least ${this.minMemoryMb} MB of memory, the SKU gives ${memoryMb} MB`);
    }
    if (!(cpus >= this.minCpus)) throw new AdapterInputError(`${this.displayName} needs at least ${this.minCpus} CPUs, the SKU gives ${cpus}`);
  }

  /** The primary (published) port. */
  protected get primaryPort(): number {
    const p = this.ports.find((x) => x.primary) ?? this.ports[0];
    if (!p) throw new Error(`${this.displayName} has no port`);
    return p.containerPort;
  }

  /** A secret file at /run/secrets/<name>: 0600, owned by the container user. */
  protected secret(name: string, content: string): PlannedFile {
    return { target: `/run/secrets/${name}`, content, kind: 'secret' };
  }

  /** scheme://user:password@host:port/path with user and password percent-encoded; no password part when absent. */
  protected uri(scheme: string, d: ConnectionDetails, path = '', query = ''): string {
    const auth = d.username
      ? `${percentEncode(d.username)}${d.password !== undefined ? `:${percentEncode(d.password)}` : ''}@`
      : '';
    const host = d.host.includes(':') && !d.host.startsWith('[') ? `[${d.host}]` : d.host;
    return `${scheme}://${auth}${host}:${d.port}${path}${query ? `?${query}` : ''}`;
  }

  /** Basic auth header value for host-side http probes. */
  protected basicAuth(user: string, password: string): string {
    return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  }
}
