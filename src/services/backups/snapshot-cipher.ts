import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * The encrypted form of a snapshot file: a header, then the dump in chunks, each sealed with
 * AES-256-GCM under a key derived (HKDF-SHA256) from the module key and the file's own salt.
 * Chunk i's nonce is its index plus a last-chunk flag, and the header is every chunk's associated
 * data, so a chunk moved, dropped, altered or a file cut short (even at a chunk boundary: its
 * new last chunk was not sealed as the last) fails to decrypt (the STREAM construction).
 *
 *   header: "FLXSNAP1" | chunk size (uint32 BE) | salt (16) | key id (8)       = 36 bytes
 *   chunk:  ciphertext (chunk size, the last one shorter, possibly empty) | tag (16)
 */
const MAGIC = Buffer.from('FLXSNAP1', 'ascii');
const HEADER_BYTES = 36;
const TAG_BYTES = 16;
/**
 * Written into each file's header, which the decryptor reads it from (files of 64 KiB chunks still
 * open). 1 MiB: a 300 MB dump is 300 ciphers and file writes, not 5,000.
 */
export const CHUNK_BYTES = 1024 * 1024;
const INFO = Buffer.from('flux-databases snapshot v1', 'ascii');

/** The module key's id as it is recorded on snapshots (the first 8 bytes of its SHA-256, hex). */
export function keyIdOf(moduleKey: Buffer): string {
  return createHash('sha256').update(moduleKey).digest().subarray(0, 8).toString('hex');
}

function fileKey(moduleKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', moduleKey, salt, INFO, 32));
}

function nonce(index: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 0);
  n[11] = last ? 1 : 0;
  return n;
}

/** Plain dump in, encrypted file out. */
export class SnapshotEncryptor extends Transform {
  private readonly header: Buffer;
  private readonly key: Buffer;
  private readonly pending: Buffer;
  private readonly onPlain: ((plain: Buffer) => void) | undefined;
  private fill = 0;
  private index = 0;

  /**
   * `highWaterMark`: how much it holds on each side before a writer is asked to wait; `onPlain`
   * sees each plain chunk as it comes in (the file's hash and size are taken there, with no stream
   * of their own in between); `chunkBytes` is other than the default only in tests (of older files).
   */
  constructor(moduleKey: Buffer, opts: { highWaterMark?: number; onPlain?: (plain: Buffer) => void; chunkBytes?: number } = {}) {
    super(opts.highWaterMark ? { highWaterMark: opts.highWaterMark } : {});
    const chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
    this.pending = Buffer.allocUnsafe(chunkBytes);
    this.onPlain = opts.onPlain;
    const salt = randomBytes(16);
    this.header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(this.header, 0);
    this.header.writeUInt32BE(chunkBytes, 8);
    salt.copy(this.header, 12);
    Buffer.from(keyIdOf(moduleKey), 'hex').copy(this.header, 28);
    this.key = fileKey(moduleKey, salt);
    this.push(this.header);
  }

  /** Pushes the chunk's ciphertext and its tag (GCM's final() adds no bytes; not copied into one buffer). */
  private seal(plain: Buffer, last: boolean): void {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce(this.index++, last));
    cipher.setAAD(this.header);
    this.push(cipher.update(plain));
    cipher.final();
    this.push(cipher.getAuthTag());
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.onPlain?.(chunk);
    let at = 0;
    while (at < chunk.length) {
      // A full chunk is sealed only once more input follows: the last one must carry the flag.
      if (this.fill === this.pending.length) this.flushChunk(false);
      const take = Math.min(this.pending.length - this.fill, chunk.length - at);
      chunk.copy(this.pending, this.fill, at, at + take);
      this.fill += take;
      at += take;
    }
    done();
  }

  private flushChunk(last: boolean): void {
    this.seal(this.pending.subarray(0, this.fill), last);
    this.fill = 0;
  }

  override _flush(done: TransformCallback): void {
    this.flushChunk(true);
    done();
  }
}

/** Why a snapshot file cannot be read: altered, cut short, another key, not a snapshot file. */
export class SnapshotFileError extends Error {
  override readonly name = 'SnapshotFileError';
}

/** Encrypted file in, plain dump out; errors (never ends cleanly) on any damage. */
export class SnapshotDecryptor extends Transform {
  private header: Buffer | null = null;
  private key: Buffer | null = null;
  private chunkBytes = CHUNK_BYTES;
  private buffered: Buffer[] = [];
  private size = 0;
  private index = 0;

  constructor(private readonly moduleKey: Buffer) {
    super();
  }

  private consume(n: number): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    this.buffered = n < all.length ? [all.subarray(n)] : [];
    this.size -= n;
    return all.subarray(0, n);
  }

  private open(sealed: Buffer, last: boolean): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.key!, nonce(this.index++, last));
    decipher.setAAD(this.header!);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new SnapshotFileError(last
        ? `snapshot file is damaged or cut short (its last chunk, ${this.index - 1}, does not authenticate)`
        : `snapshot file is damaged (chunk ${this.index - 1} does not authenticate)`);
    }
  }

  private readHeader(): void {
    const header = this.consume(HEADER_BYTES);
    if (!header.subarray(0, 8).equals(MAGIC)) throw new SnapshotFileError('not a snapshot file of this module (unknown header)');
    const keyId = header.subarray(28, 36).toString('hex');
    if (keyId !== keyIdOf(this.moduleKey)) throw new SnapshotFileError(`snapshot file was sealed with module key ${keyId}, not the current key ${keyIdOf(this.moduleKey)}`);
    this.chunkBytes = header.readUInt32BE(8);
    if (this.chunkBytes < 1024 || this.chunkBytes > 16 * 1024 * 1024) throw new SnapshotFileError('snapshot file header names an impossible chunk size');
    this.header = header;
    this.key = fileKey(this.moduleKey, header.subarray(12, 28));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.buffered.push(chunk);
    this.size += chunk.length;
    try {
      if (!this.header && this.size >= HEADER_BYTES) this.readHeader();
      // A sealed chunk is opened only when more bytes follow it: the one at the end must be the last.
      const sealedBytes = this.chunkBytes + TAG_BYTES;
      while (this.header && this.size > sealedBytes) this.push(this.open(this.consume(sealedBytes), false));
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.header) throw new SnapshotFileError('snapshot file is cut short (no complete header)');
      if (this.size < TAG_BYTES) throw new SnapshotFileError('snapshot file is cut short (its last chunk is missing)');
      this.push(this.open(this.consume(this.size), true));
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}
