import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, SnapshotDecryptor, SnapshotEncryptor } from '../../src/services/backups/snapshot-cipher.js';

const key = randomBytes(32);

async function through(t: NodeJS.ReadWriteStream, input: Buffer, pieces = 7): Promise<Buffer> {
  const out: Buffer[] = [];
  const step = Math.max(1, Math.ceil(input.length / pieces));
  const parts = input.length === 0 ? [] : Array.from({ length: Math.ceil(input.length / step) }, (_, i) => input.subarray(i * step, (i + 1) * step));
  await pipeline(Readable.from(parts), t, async function* (source) { for await (const c of source) out.push(c as Buffer); });
  return Buffer.concat(out);
}
const seal = (plain: Buffer, k = key) => through(new SnapshotEncryptor(k), plain);
const open = (file: Buffer, k = key) => through(new SnapshotDecryptor(k), file, 3);

describe('snapshot files: chunked AES-256-GCM under an HKDF key', () => {
  it.each([0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES, 3 * CHUNK_BYTES + 17])('round-trips %i bytes', async (n) => {
    const plain = randomBytes(n);
    const file = await seal(plain);
    expect(file.includes(plain.subarray(0, Math.min(64, n))) && n >= 16).toBe(false);
    expect((await open(file)).equals(plain)).toBe(true);
  });

  it('opens a file of 64 KiB chunks, the size files were written with before 1 MiB', async () => {
    const plain = randomBytes(3 * 64 * 1024 + 5);
    const file = await through(new SnapshotEncryptor(key, { chunkBytes: 64 * 1024 }), plain);
    expect(file.readUInt32BE(8)).toBe(64 * 1024);
    expect(file.length).toBe(36 + plain.length + 4 * 16);
    expect((await open(file)).equals(plain)).toBe(true);
  });

  it('two files of the same dump share no ciphertext (a salt per file)', async () => {
    const plain = Buffer.alloc(1000, 7);
    expect((await seal(plain)).subarray(36).equals((await seal(plain)).subarray(36))).toBe(false);
  });

  it('detects a file cut short, even exactly at a chunk boundary, and an altered byte', async () => {
    const file = await seal(randomBytes(3 * CHUNK_BYTES + 100));
    const boundary = 36 + 2 * (CHUNK_BYTES + 16);
    await expect(open(file.subarray(0, boundary))).rejects.toThrow(/cut short|last chunk/);
    await expect(open(file.subarray(0, file.length - 5))).rejects.toThrow(/damaged|cut short/);
    await expect(open(file.subarray(0, 20))).rejects.toThrow(/header/);
    const altered = Buffer.from(file);
    altered[36 + CHUNK_BYTES + 40]! ^= 1;
    await expect(open(altered)).rejects.toThrow(/chunk 1 does not authenticate/);
    const swapped = Buffer.concat([file.subarray(0, 36), file.subarray(36 + CHUNK_BYTES + 16, 36 + 2 * (CHUNK_BYTES + 16)), file.subarray(36, 36 + CHUNK_BYTES + 16), file.subarray(36 + 2 * (CHUNK_BYTES + 16))]);
    await expect(open(swapped)).rejects.toThrow(/does not authenticate/);
  });

  it('refuses another module key by name, and what is not a snapshot file', async () => {
    const file = await seal(Buffer.from('hello'));
    await expect(open(file, randomBytes(32))).rejects.toThrow(/sealed with module key/);
    await expect(open(Buffer.from('PGDMP plain text that is long enough for a header......'))).rejects.toThrow(/not a snapshot file/);
  });
});
