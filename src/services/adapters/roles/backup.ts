import type { Readable, Writable } from 'node:stream';
import type { EngineEndpoint } from '../families/endpoint.js';

/**
 * What the engine holds, as its own client counts it: `"schema.table": rows` for SQL engines,
 * `"db0": keys` for the Redis family, measurements, collections ... Compared by name.
 */
export type Inventory = Record<string, number>;

/**
 * The inventory at backup time. `low` and `high` are equal when the counts were taken inside the
 * dump's own snapshot of the data (exact); otherwise they are the counts just before and just
 * after the dump, and a restore of it must find each count between the two.
 */
export interface BackupFigures {
  low: Inventory;
  high: Inventory;
}

/** How the dump's bytes are made and kept: recorded on each snapshot and in the export's manifest. */
export interface BackupFormat {
  /** The native tool and how it is run, e.g. `pg_dump -Fc`. */
  tool: string;
  /** What the file is, for people: `PostgreSQL custom-format archive`. */
  format: string;
  /** File name extension of the plain dump, with its dot: `.dump`, `.sql`, `.rdb`, `.tar`. */
  extension: string;
}

/** One dump: the role writes the dump's bytes to `out`, in order, with backpressure. */
export interface DumpJob {
  endpoint: EngineEndpoint;
  /** Encrypts, hashes and counts what it is given. Respect write()'s answer; never end it. */
  out: Writable;
  /** Aborted when the operator cancels: stop the tool, reject. */
  signal: AbortSignal;
  /** Give every streaming exec this stall timeout (FLUX_DATABASES_BACKUP_STALL_TIMEOUT_S). */
  stallTimeoutMs: number;
}

/** The engine, for a restore that replaces files while it is stopped (the Redis family's RDB). */
export interface EngineControl {
  /** Stops the engine; its data directory may then be changed. */
  stop(): Promise<void>;
  /** Starts it again and resolves once it answers (or rejects with why it does not). */
  start(): Promise<void>;
  /** Replaces one file of the data directory (a path relative to it), owned by the engine's user. */
  writeDataFile(relativePath: string, content: Readable): Promise<void>;
  /** Reads one file of the data directory (e.g. to write it again under a second name). */
  readDataFile(relativePath: string): Promise<Readable>;
  /** Removes a file or directory of the data directory; a missing one is no error. */
  removeDataPath(relativePath: string): Promise<void>;
}

/** One restore: the role reads the plain dump from `input` and puts it into the engine. */
export interface RestoreJob {
  endpoint: EngineEndpoint;
  /** The dump, decrypted and authenticated as it streams: it errors (never ends) when the file is damaged. */
  input: Readable;
  signal: AbortSignal;
  stallTimeoutMs: number;
  /**
   * true: afterwards the engine holds exactly what the dump holds (what was made since is dropped);
   * false: the dump is applied as its stock tool would apply it (an import of a foreign dump).
   */
  replace: boolean;
  engine: EngineControl;
}

/** What the export's README and manifest say about one snapshot. */
export interface SnapshotFacts {
  engine: string;
  version: string;
  /** The dump's file name inside the export. */
  file: string;
  database: string;
}

/**
 * Backups with the engine's native tool: a dump streamed out of the running engine, a restore
 * streamed into it (or files replaced while it is stopped), an inventory for restore drills,
 * and how to restore by hand without the module. Implemented per engine family in
 * `families/<family>-backup.ts`. Commands run as argv inside the container through
 * `endpoint.execStream` (secrets in env, never argv); the role never buffers a dump whole and
 * never writes a temporary file inside the container.
 */
export interface BackupRole extends BackupFormat {
  /** Whether a snapshot can be restored into an instance of this engine (restore, clone, import, drills). */
  readonly restores: boolean;
  /**
   * Streams a consistent snapshot of the engine into `job.out`, and says what it held. Rejects
   * (a BackupToolError with the tool's last stderr line) when the tool fails or is stopped.
   */
  dump(job: DumpJob): Promise<BackupFigures>;
  /** Restores a dump of this format; rejects when the tool or the engine refuses it. */
  restore(job: RestoreJob): Promise<void>;
  /** The engine's own count of what it holds now (the drill's check), through `endpoint.exec`. */
  inventory(endpoint: EngineEndpoint): Promise<Inventory>;
  /**
   * null when a snapshot made on `snapshotVersion` can be restored into an instance running
   * `instanceVersion`, else why not (a newer major version, say): a 409 before anything changes.
   */
  refuses(snapshotVersion: string, instanceVersion: string): string | null;
  /** Whether `head` (the dump's first bytes, at most 64) looks like this format: an import is refused early otherwise. */
  looksLike(head: Buffer): boolean;
  /** README lines: how to restore the dump with the engine's stock tool and no module. */
  restoreInstructions(facts: SnapshotFacts): string[];
}

/** A native tool that exited non-zero or was stopped; `lastLine` is its last stderr line. */
export class BackupToolError extends Error {
  constructor(readonly tool: string, readonly lastLine: string, readonly exitCode: number | null, readonly interrupted?: string) {
    // No exit code: an HTTP call or an in-process export, which end with a message and no process.
    super(`${tool} ${interrupted ? `was stopped (${interrupted})` : exitCode === null ? 'failed' : `failed (exit ${exitCode})`}${lastLine ? `: ${lastLine}` : ''}`);
    this.name = 'BackupToolError';
  }
}
