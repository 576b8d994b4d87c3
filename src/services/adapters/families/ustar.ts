import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

/**
 * A minimal POSIX ustar codec for dumps composed of several files (ClickHouse's tables, DuckDB's
 * export directory): entries are written in order with backpressure and read back in order from a
 * stream, never held whole. ustar needs each entry's size in its header, so a producer of unknown
 * length writes it as numbered parts (TarWriter.parts). Readable by any tar(1).
 */
const BLOCK = 512;
const OCTAL_MAX = 0o77777777777;

function field(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, length, 'utf8');
}

function octal(header: Buffer, offset: number, length: number, value: number): void {
  if (value > OCTAL_MAX && length === 12) {
    // GNU base-256 for sizes of 8 GiB and more: the high bit of the first byte, then big-endian.
    header[offset] = 0x80;
    header.writeBigUInt64BE(BigInt(value), offset + 4);
    return;
  }
  field(header, offset, length - 1, value.toString(8).padStart(length - 1, '0'));
}

/** One 512-byte header of a regular file. */
export function tarHeader(name: string, size: number, mtimeSeconds = 0): Buffer {
  const bytes = Buffer.byteLength(name, 'utf8');
  let prefix = '';
  let base = name;
  if (bytes > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar entry name too long: ${name}`);
    [prefix, base] = [name.slice(0, cut), name.slice(cut + 1)];
  }
  const h = Buffer.alloc(BLOCK);
  field(h, 0, 100, base);
  octal(h, 100, 8, 0o600);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtimeSeconds);
  h.fill(0x20, 148, 156);
  h[156] = 0x30; // '0': a regular file
  field(h, 257, 6, 'ustar');
  field(h, 263, 2, '00');
  field(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 7, `${sum.toString(8).padStart(6, '0')}\0`);
  return h;
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/** Writes entries into `out` in order, honouring its backpressure; never ends `out`. */
export class TarWriter {
  constructor(private readonly out: Writable, private readonly mtimeSeconds = Math.floor(Date.now() / 1000)) {}

  private async write(chunk: Buffer): Promise<void> {
    if (this.out.destroyed) throw new Error('the dump output was closed');
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  /** An entry of known size from a buffer or a stream of exactly `size` bytes. */
  async entry(name: string, content: Buffer | string | Readable, size?: number): Promise<void> {
    if (typeof content === 'string' || Buffer.isBuffer(content)) {
      const body = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
      await this.write(tarHeader(name, body.length, this.mtimeSeconds));
      if (body.length) await this.write(body);
      await this.pad(body.length);
      return;
    }
    if (size === undefined) throw new Error('a streamed tar entry needs its size');
    await this.write(tarHeader(name, size, this.mtimeSeconds));
    let seen = 0;
    for await (const chunk of content as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > size) throw new Error(`${name} grew while it was archived`);
      await this.write(chunk);
    }
    if (seen !== size) throw new Error(`${name} has ${seen} bytes, not the ${size} announced`);
    await this.pad(size);
  }

  private async pad(size: number): Promise<void> {
    const n = padding(size);
    if (n) await this.write(Buffer.alloc(n));
  }

  /**
   * A stream of unknown length as entries `<base>.000001`, `<base>.000002` ... of at most `partBytes`
   * each (the buffer is the only copy held); resolves with the number of parts written.
   */
  async parts(base: string, source: AsyncIterable<Buffer>, partBytes: number): Promise<number> {
    let held: Buffer[] = [];
    let heldBytes = 0;
    let count = 0;
    const flush = async () => {
      count += 1;
      await this.entry(`${base}.${String(count).padStart(6, '0')}`, Buffer.concat(held, heldBytes));
      held = [];
      heldBytes = 0;
    };
    for await (const chunk of source) {
      let rest = chunk;
      while (rest.length) {
        const take = Math.min(rest.length, partBytes - heldBytes);
        held.push(rest.subarray(0, take));
        heldBytes += take;
        rest = rest.subarray(take);
        if (heldBytes === partBytes) await flush();
      }
    }
    if (heldBytes) await flush();
    return count;
  }

  /** The two zero blocks that end an archive. */
  async end(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2));
  }
}

/** One entry being read: its body must be read (or skipped) before the next entry. */
export interface TarEntry {
  name: string;
  size: number;
  type: 'file' | 'directory' | 'other';
  body(): AsyncGenerator<Buffer>;
}

/** Reads exactly the bytes asked for from a stream of chunks. */
class ByteSource {
  private readonly it: AsyncIterator<Buffer>;
  private held: Buffer = Buffer.alloc(0);

  constructor(input: AsyncIterable<Buffer>) {
    this.it = input[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    const next = await this.it.next();
    if (next.done) return false;
    this.held = this.held.length ? Buffer.concat([this.held, next.value]) : Buffer.from(next.value);
    return true;
  }

  /** Exactly n bytes; null at a clean end before the first byte; throws on a short read. */
  async take(n: number): Promise<Buffer | null> {
    while (this.held.length < n) {
      if (!(await this.fill())) {
        if (this.held.length === 0) return null;
        throw new Error('the archive ends inside an entry');
      }
    }
    const out = this.held.subarray(0, n);
    this.held = this.held.subarray(n);
    return out;
  }

  /** n bytes as they come. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.held.length === 0 && !(await this.fill())) throw new Error('the archive ends inside an entry');
      const out = this.held.subarray(0, Math.min(left, this.held.length));
      this.held = this.held.subarray(out.length);
      left -= out.length;
      yield out;
    }
  }

}

const text = (b: Buffer, offset: number, length: number) => {
  const s = b.subarray(offset, offset + length);
  const end = s.indexOf(0);
  return s.subarray(0, end < 0 ? s.length : end).toString('utf8');
};

function parseSize(b: Buffer): number {
  if (b[124]! & 0x80) return Number(b.readBigUInt64BE(124 + 4));
  const s = text(b, 124, 12).trim();
  return s ? parseInt(s, 8) : 0;
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return parseInt(text(h, 148, 8).trim(), 8) === sum;
}

/** pax records (`<len> key=value\n`) of an extended header. */
function paxRecords(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const space = body.indexOf(0x20, i);
    if (space < 0) break;
    const len = parseInt(body.subarray(i, space).toString('ascii'), 10);
    if (!len) break;
    const record = body.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}

async function collect(gen: AsyncGenerator<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of gen) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

/**
 * The entries of a tar stream, in order (ustar, GNU long names and pax paths); a damaged header or
 * a stream that ends inside an entry throws, an error of the input is passed on.
 */
export async function* readTar(input: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const src = new ByteSource(input);
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  for (;;) {
    const h = await src.take(BLOCK);
    if (!h) throw new Error('the archive has no end-of-archive blocks');
    if (h.every((b) => b === 0)) return;
    if (!checksumOk(h)) throw new Error('a tar header is damaged (checksum)');
    const flag = String.fromCharCode(h[156]!);
    if (flag === 'L' || flag === 'x' || flag === 'g') {
      const own = parseSize(h);
      const body = await collect(src.stream(own));
      await src.take(padding(own));
      if (flag === 'L') longName = text(body, 0, body.length);
      if (flag === 'x') pax = paxRecords(body);
      continue;
    }
    const prefix = text(h, 345, 155);
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
    const size = pax.size ? Number(pax.size) : parseSize(h);
    const skip = padding(size);
    [longName, pax] = [undefined, {}];
    const type = flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : 'other';
    // What the consumer leaves unread of the body is skipped before the next header.
    let left = size;
    const body = async function* (): AsyncGenerator<Buffer> {
      for await (const chunk of src.stream(left)) {
        left -= chunk.length;
        yield chunk;
      }
    };
    yield { name, size, type, body };
    if (left > 0) for await (const chunk of src.stream(left)) left -= chunk.length;
    await src.take(skip);
  }
}
