import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { BackupFigures, BackupRole, DumpJob, Inventory, RestoreJob, SnapshotFacts } from '../roles/backup.js';
import { BackupToolError } from '../roles/backup.js';
import { newerMajorRefused, runClient, runTool } from './backup-tools.js';
import type { EngineEndpoint } from './endpoint.js';

/** redis-cli's EOF marker (RDB_EOF_MARK_SIZE): in `--rdb -` mode it cannot cut it off stdout, so it follows the RDB. */
const EOF_MARK_BYTES = 40;

/**
 * Passes everything but the last `hold` bytes on to `out` (with its backpressure); once the RDB's
 * true length is known, `finish(length)` lets through what belongs to it and drops the rest.
 */
class TailHold extends Writable {
  private held = Buffer.alloc(0);
  private forwarded = 0;
  private total: number | null = null;

  constructor(private readonly out: Writable, private readonly hold: number) {
    super();
    out.once('error', (err) => this.destroy(err));
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const all = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    const pass = all.length - this.hold;
    if (pass <= 0) {
      this.held = Buffer.from(all);
      return done();
    }
    this.held = Buffer.from(all.subarray(pass));
    this.forwarded += pass;
    if (this.out.write(all.subarray(0, pass))) done();
    else this.out.once('drain', () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    const extra = (this.total ?? -1) - this.forwarded;
    if (extra < 0 || extra > this.held.length) return done(new Error(`the RDB's length (${this.total}) does not fit the ${this.forwarded + this.held.length} bytes received`));
    if (extra > 0) this.out.write(this.held.subarray(0, extra));
    done();
  }

  async finishAt(total: number): Promise<void> {
    this.total = total;
    this.end();
    await finished(this);
  }
}

/** How long redis-cli says the RDB is: `... after N bytes` (EOF-marker mode) or `writing N bytes` (sized). */
export function rdbLength(stderr: string): number | null {
  const m = /Transfer finished with success after (\d+) bytes/.exec(stderr) ?? /writing (\d+) bytes to/.exec(stderr);
  return m ? Number(m[1]) : null;
}

/**
 * The Redis family (Redis, Valkey, KeyDB): an RDB taken from the running server by the image's
 * cli (`--rdb -`, the replication snapshot streamed to stdout; the password in REDISCLI_AUTH). A
 * restore replaces the files while the server is stopped: the RDB as dump.rdb and as the
 * appendonly.aof a server with AOF on loads first (an RDB is a valid AOF preamble; Redis 7+
 * takes a lone appendonly.aof as the base of a new AOF directory), the old AOF removed.
 */
export class RedisBackup implements BackupRole {
  readonly format = 'Redis RDB snapshot';
  readonly extension = '.rdb';
  readonly restores = true;

  /** `cli`: the image's client (redis-cli, valkey-cli, keydb-cli); `display`: the engine's name. */
  constructor(private readonly cli: () => string, private readonly display: () => string) {}

  get tool(): string {
    return `${this.cli()} --rdb -`;
  }

  private argv(e: EngineEndpoint, ...args: string[]): string[] {
    return [this.cli(), '-h', '127.0.0.1', '-p', '6379', ...(e.tls ? ['--tls', '--insecure'] : []), ...args];
  }

  async dump(job: DumpJob): Promise<BackupFigures> {
    const e = job.endpoint;
    const low = await this.inventory(e);
    const gate = new TailHold(job.out, EOF_MARK_BYTES);
    const r = await runTool(e, {
      tool: this.cli(), argv: this.argv(e, '--rdb', '-'), env: { REDISCLI_AUTH: e.password }, stdout: gate, signal: job.signal, stallTimeoutMs: job.stallTimeoutMs,
    });
    const length = rdbLength(r.stderr);
    if (length === null) throw new BackupToolError(this.cli(), `it did not say how long the RDB is: ${r.stderr.trim().split('\n').at(-1) ?? ''}`, r.exitCode);
    await gate.finishAt(length);
    return { low, high: await this.inventory(e) };
  }

  async restore(job: RestoreJob): Promise<void> {
    const { engine } = job;
    await engine.stop();
    await engine.removeDataPath('appendonlydir');
    await engine.removeDataPath('appendonly.aof');
    await engine.writeDataFile('dump.rdb', job.input);
    await engine.writeDataFile('appendonly.aof', await engine.readDataFile('dump.rdb'));
    await engine.start();
  }

  /** Keys without an expiry per keyspace (keys with one may be gone by the time a drill counts). */
  async inventory(e: EngineEndpoint): Promise<Inventory> {
    const info = await runClient(e, this.cli(), this.argv(e, 'INFO', 'keyspace'), { REDISCLI_AUTH: e.password });
    const out: Inventory = {};
    for (const m of info.matchAll(/^(db\d+):keys=(\d+),expires=(\d+)/gm)) out[m[1]!] = Number(m[2]) - Number(m[3]);
    return out;
  }

  refuses(snapshotVersion: string, instanceVersion: string): string | null {
    // An RDB of a newer server has a newer RDB version an older one cannot load.
    return newerMajorRefused(this.display(), snapshotVersion, instanceVersion);
  }

  looksLike(head: Buffer): boolean {
    return /^REDIS\d{4}/.test(head.subarray(0, 9).toString('latin1'));
  }

  restoreInstructions(f: SnapshotFacts): string[] {
    return [
      `${f.file} is an RDB snapshot (${this.tool}, ${this.display()} ${f.version}) of every keyspace.`,
      'Restore it into a stopped server of the same or a newer version: put it into the data directory as dump.rdb and start the',
      'server with AOF off, so that it loads the RDB (with AOF on, an empty AOF would be loaded instead):',
      '',
      `  cp ${f.file} /data/dump.rdb && ${this.cli().replace('-cli', '-server')} --dir /data --appendonly no`,
      '',
      `To keep AOF on afterwards: ${this.cli()} CONFIG SET appendonly yes (it writes the AOF from the loaded data), then set it in the config file.`,
    ];
  }
}
