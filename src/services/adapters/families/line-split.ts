/**
 * Lines of a byte stream, read as they come, and what is left after the last line taken: a restore
 * reads a dump's header lines itself and hands the rest, untouched, to the engine's own tool.
 * Lines split on the newline byte (never part of a UTF-8 sequence) and are decoded one by one.
 */
export class LineReader {
  private readonly it: AsyncIterator<Buffer>;
  /** A line begun in earlier chunks. */
  private parts: Buffer[] = [];
  /** What is left of the chunk being read. */
  private current: Buffer | undefined;
  private ended = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** The next line without its newline (a last line without one too); null at the end. */
  async next(): Promise<string | null> {
    for (;;) {
      if (this.current) {
        const at = this.current.indexOf(0x0a);
        if (at >= 0) {
          const line = Buffer.concat([...this.parts, this.current.subarray(0, at)]).toString('utf8');
          this.parts = [];
          this.current = at + 1 < this.current.length ? this.current.subarray(at + 1) : undefined;
          return line;
        }
        this.parts.push(this.current);
        this.current = undefined;
      }
      const next = this.ended ? { done: true as const, value: undefined } : await this.it.next();
      if (next.done) {
        this.ended = true;
        if (!this.parts.length) return null;
        const line = Buffer.concat(this.parts).toString('utf8');
        this.parts = [];
        return line;
      }
      this.current = next.value;
    }
  }

  /** Everything not yet returned as a line, as bytes, then the rest of the source. */
  async *rest(): AsyncGenerator<Buffer> {
    for (const b of this.parts) yield b;
    if (this.current) yield this.current;
    [this.parts, this.current] = [[], undefined];
    if (this.ended) return;
    for (let next = await this.it.next(); !next.done; next = await this.it.next()) yield next.value;
  }
}

/** The lines of a stream, as they come. */
export async function* splitLines(source: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const reader = new LineReader(source);
  for (let line = await reader.next(); line !== null; line = await reader.next()) yield line;
}
