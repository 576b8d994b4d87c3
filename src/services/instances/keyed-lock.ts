/** One queue per key: operations on the same instance run one after another, others in parallel. */
export class KeyedLock {
  private readonly tails = new Map<string | number, Promise<unknown>>();

  run<T>(key: string | number, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => { if (this.tails.get(key) === tail) this.tails.delete(key); });
    return result;
  }

  isBusy(key: string | number): boolean {
    return this.tails.has(key);
  }
}
