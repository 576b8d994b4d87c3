/**
 * Writes only the latest value, at most once per `intervalMs`, one write at a time and in order: a
 * pull reports progress many times a second and the row needs only what is current. A failed write
 * goes to `onError` (progress is informative; the pull goes on).
 */
export class CoalescingWriter<T> {
  private pending: { value: T } | null = null;
  private chain: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (value: T) => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  push(value: T): void {
    this.pending = { value };
    if (this.timer) return;
    const wait = Math.max(0, this.lastWrite + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, wait);
  }

  /** Writes what is pending now and resolves when every write has finished. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.drain();
  }

  private drain(): Promise<void> {
    this.chain = this.chain.then(async () => {
      const next = this.pending;
      this.pending = null;
      if (!next) return;
      this.lastWrite = Date.now();
      try {
        await this.write(next.value);
      } catch (err) {
        this.onError(err);
      }
    });
    return this.chain;
  }
}
