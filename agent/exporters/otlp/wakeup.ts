/**
 * Where a signal's idle consumers wait for work: until woken (data arrived,
 * a batch filled up, shutdown began) or, optionally, a timeout (the batch
 * timeout of the oldest waiting entry). An untimed wait holds no timer, so
 * an idle exporter never keeps the process alive.
 */
export class Wakeup {
  private readonly waiters = new Set<() => void>();

  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      if (timeoutMs !== undefined) timer = setTimeout(done, Math.max(1, timeoutMs));
      this.waiters.add(done);
    });
  }

  /** Wakes every waiter (each re-checks its condition). */
  wakeAll(): void {
    if (this.waiters.size === 0) return;
    for (const done of [...this.waiters]) done();
  }
}
