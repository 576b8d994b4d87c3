import { describe, expect, it } from 'vitest';
import { FrameDemuxer, OutputSlab, TailBuffer } from '../../src/services/runtime/stream-frames.js';

const frame = (stream: number, payload: string) => {
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(Buffer.byteLength(payload), 4);
  return Buffer.concat([h, Buffer.from(payload)]);
};

describe('FrameDemuxer', () => {
  it('splits stdout from stderr whatever the chunk boundaries, headers cut in two included', () => {
    const raw = Buffer.concat([frame(1, 'hello '), frame(2, 'warn\n'), frame(1, 'world'), frame(1, ''), frame(3, 'x'), frame(2, 'bye\n')]);
    for (let cut = 1; cut <= raw.length; cut++) {
      const got = { stdout: '', stderr: '' };
      const d = new FrameDemuxer((s, p) => { got[s] += p.toString(); });
      for (let at = 0; at < raw.length; at += cut) d.push(raw.subarray(at, at + cut));
      expect(got, `chunks of ${cut}`).toEqual({ stdout: 'hello world', stderr: 'warn\nbye\n' });
      expect(d.midFrame).toBe(false);
    }
  });

  it('knows when the stream stopped inside a frame', () => {
    const d = new FrameDemuxer(() => undefined);
    d.push(frame(1, 'abcdef').subarray(0, 11));
    expect(d.midFrame).toBe(true);
  });
});

describe('TailBuffer', () => {
  it('keeps the last bytes only', () => {
    const t = new TailBuffer(10);
    for (const s of ['aaaa', 'bbbb', 'cccc', 'dd']) t.push(Buffer.from(s));
    expect(t.toString()).toBe('bbbbccccdd');
  });
});

describe('OutputSlab', () => {
  it('hands back each read as one copy that later reads into the same buffer do not change', () => {
    const slab = new OutputSlab(8);
    const reused = Buffer.alloc(6);
    const taken: Buffer[] = [];
    for (const read of [['ab', 'cd'], ['efg'], ['hijklm'], ['n', 'opqrstuvw', 'x']]) {
      for (const piece of read) {
        reused.fill(0).write(piece.slice(0, 6));
        slab.append(piece.length <= 6 ? reused.subarray(0, piece.length) : Buffer.from(piece));
      }
      taken.push(slab.take()!);
    }
    expect(taken.map(String)).toEqual(['abcd', 'efg', 'hijklm', 'nopqrstuvwx']);
    expect(slab.take()).toBeUndefined();
  });
});
