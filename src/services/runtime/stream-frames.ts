/**
 * Podman's (Docker's) multiplexed exec stream without a TTY: frames of an 8-byte header (stream
 * 1 = stdout, 2 = stderr; 3 zero bytes; payload size, uint32 big-endian) and the payload. This
 * parser hands each payload on as slices of the chunks it is given (no copies), and the caller
 * decides about backpressure: dockerode's demuxStream writes without looking at the answer.
 */
export class FrameDemuxer {
  private header = Buffer.alloc(8);
  private headerFill = 0;
  private remaining = 0;
  private stream = 0;

  constructor(private readonly onPayload: (stream: 'stdout' | 'stderr', payload: Buffer) => void) {}

  /** Feeds one chunk of the raw stream; payloads of unknown streams (stdin echo) are dropped. */
  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(8 - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + take);
        this.headerFill += take;
        at += take;
        if (this.headerFill < 8) return;
        this.headerFill = 0;
        this.stream = this.header[0]!;
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      const payload = chunk.subarray(at, at + take);
      at += take;
      this.remaining -= take;
      if (this.stream === 1) this.onPayload('stdout', payload);
      else if (this.stream === 2) this.onPayload('stderr', payload);
    }
  }

  /** Whether the stream stopped inside a frame (a connection cut short). */
  get midFrame(): boolean {
    return this.remaining > 0 || this.headerFill > 0;
  }
}

/** Keeps the last `max` bytes written to it: a tool's stderr, whose last line says why it failed. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly max = 64 * 1024) {}

  push(b: Buffer): void {
    this.chunks.push(Buffer.from(b));
    this.size += b.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.max) this.size -= this.chunks.shift()!.length;
  }

  toString(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.max)).toString('utf8');
  }
}

/**
 * Calls `onStall` once when `touch` has not been called for `ms`; there is no overall limit, a
 * stream that keeps moving runs as long as it needs.
 */
export class StallWatch {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly ms: number, private readonly onStall: () => void) {
    this.touch();
  }

  touch(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.stopped = true;
      this.onStall();
    }, this.ms);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

/**
 * Gathers the stdout payloads of one read into a copy that outlives the reused read buffer:
 * slices of 1 MiB slabs, a new slab only when one is full, so a read costs no allocation.
 */
export class OutputSlab {
  private slab = Buffer.allocUnsafe(0);
  private start = 0;
  private end = 0;

  constructor(private readonly slabBytes = 1024 * 1024) {}

  append(payload: Buffer): void {
    if (this.end + payload.length > this.slab.length) {
      // What this read gathered so far moves along, so that a take stays one piece.
      const next = Buffer.allocUnsafe(Math.max(this.slabBytes, this.end - this.start + payload.length));
      this.end = this.slab.copy(next, 0, this.start, this.end);
      this.start = 0;
      this.slab = next;
    }
    this.end += payload.copy(this.slab, this.end);
  }

  /** What was appended since the last take, as one buffer, or undefined when nothing was. */
  take(): Buffer | undefined {
    if (this.end === this.start) return undefined;
    const taken = this.slab.subarray(this.start, this.end);
    this.start = this.end;
    return taken;
  }
}
