import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { keyIdOf, SnapshotDecryptor, SnapshotEncryptor, SnapshotFileError } from './snapshot-cipher.js';

/** A snapshot file being written: the role writes the plain dump to `out`. */
export interface SnapshotWriter {
  path: string;
  /** Plain dump in: hashed, counted, encrypted, written. */
  out: Writable;
  /** Plain bytes so far (the progress shown while it runs). */
  bytes(): number;
  /** The dump's first bytes (at most 64): the role checks they look like its format. */
  head(): Buffer;
  /** Ends the file and syncs it and its directory; resolves with what was stored. */
  finish(): Promise<StoredSnapshot>;
  /** Drops the file (a failed or cancelled snapshot leaves nothing behind). */
  discard(): Promise<void>;
}

export interface StoredSnapshot {
  sha256: string;
  sizeBytes: number;
  storedBytes: number;
  keyId: string;
}

/**
 * Room for the dump between the exec's socket and the file. With the default 16 KiB a write from the
 * socket answered false for nearly every frame, the socket paused and, through Podman, the tool
 * blocked on its 64 KiB pipe: a dump ran slower out of the container than into its /dev/null.
 */
const BUFFER_BYTES = 4 * 1024 * 1024;

/** The plain dump's SHA-256, size and first bytes, taken as it goes into the cipher. */
class PlainTally {
  readonly hash = createHash('sha256');
  bytes = 0;
  head = Buffer.alloc(0);

  add(chunk: Buffer): void {
    this.hash.update(chunk);
    if (this.head.length < 64) this.head = Buffer.concat([this.head, chunk.subarray(0, 64 - this.head.length)]);
    this.bytes += chunk.length;
  }
}

/**
 * Snapshot files under the backups directory: one directory per instance id (0700), one file per
 * snapshot (0600, created exclusively), encrypted under the module key (snapshot-cipher.ts). A file
 * is complete only once `finish` has synced it; every earlier file is left as it was whatever
 * happens to a new one (a full disk included).
 */
export class SnapshotFiles {
  private key?: Promise<Buffer>;

  constructor(readonly dir: string, private readonly loadKey: () => Promise<Buffer>) {}

  /** The module key, read once (a failed read is tried again next time). */
  private moduleKey(): Promise<Buffer> {
    const p = (this.key ??= this.loadKey());
    p.catch(() => { this.key = undefined; });
    return p;
  }

  instanceDir(instanceId: number): string {
    return path.join(this.dir, `instance-${instanceId}`);
  }

  pathFor(instanceId: number, snapshotId: number, extension: string): string {
    if (!/^\.[a-z0-9.]{1,16}$/.test(extension)) throw new Error(`bad snapshot extension ${JSON.stringify(extension)}`);
    return path.join(this.instanceDir(instanceId), `snapshot-${snapshotId}${extension}.enc`);
  }

  /** Whether `file` lies inside the backups directory (paths come from the store; checked before any delete). */
  owns(file: string): boolean {
    const resolved = path.resolve(file);
    return resolved.startsWith(path.resolve(this.dir) + path.sep);
  }

  async create(instanceId: number, snapshotId: number, extension: string): Promise<SnapshotWriter> {
    const key = await this.moduleKey();
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const dir = this.instanceDir(instanceId);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const file = this.pathFor(instanceId, snapshotId, extension);
    const tally = new PlainTally();
    const encryptor = new SnapshotEncryptor(key, { highWaterMark: BUFFER_BYTES, onPlain: (chunk) => tally.add(chunk) });
    // Created exclusively (an id is never reused); fsync'ed through a second descriptor once written.
    const sink = createWriteStream(file, { flags: 'wx', mode: 0o600, highWaterMark: 1024 * 1024 });
    const written = pipeline(encryptor, sink);
    written.catch(() => undefined);
    return {
      path: file, out: encryptor, bytes: () => tally.bytes, head: () => tally.head,
      async finish() {
        encryptor.end();
        await written;
        const handle = await fs.open(file, 'r');
        try {
          await handle.sync();
          const { size } = await handle.stat();
          await syncDir(dir);
          return { sha256: tally.hash.digest('hex'), sizeBytes: tally.bytes, storedBytes: size, keyId: keyIdOf(key) };
        } finally {
          await handle.close();
        }
      },
      async discard() {
        encryptor.destroy();
        await written.catch(() => undefined);
        // The stream opens its file asynchronously: a dump that failed at once can get here before
        // the file exists, and an rm then would leave the file the open creates after it.
        if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
        await fs.rm(file, { force: true });
      },
    };
  }

  /** The plain dump of a stored file, authenticated as it streams: it errors, never ends, on damage. */
  async open(file: string): Promise<Readable> {
    const key = await this.moduleKey();
    await fs.access(file);
    const plain = new PassThrough({ highWaterMark: 1024 * 1024 });
    pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), new SnapshotDecryptor(key), plain).catch((err) => plain.destroy(err));
    return plain;
  }

  /** Reads the whole file through and checks its checksum: what an export or restore relies on. */
  async verify(file: string, sha256: string): Promise<void> {
    const hash = createHash('sha256');
    for await (const chunk of await this.open(file)) hash.update(chunk as Buffer);
    const got = hash.digest('hex');
    if (got !== sha256) throw new SnapshotFileError(`snapshot file decrypts, but its dump's SHA-256 is ${got}, not the recorded ${sha256}`);
  }

  async remove(file: string): Promise<void> {
    if (!this.owns(file)) throw new Error(`refusing to remove ${file}: outside the backups directory`);
    await fs.rm(file, { force: true });
  }

  /** Instance ids that have a directory here (the sweep removes those whose instance is gone). */
  async instanceIds(): Promise<number[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    return names.map((n) => /^instance-(\d+)$/.exec(n)?.[1]).filter((x): x is string => x !== undefined).map(Number);
  }

  async removeInstanceDir(instanceId: number): Promise<void> {
    await fs.rm(this.instanceDir(instanceId), { recursive: true, force: true });
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
