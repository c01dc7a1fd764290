/**
 * The queue of one (group key, receiver, integration): at most one delivery
 * runs at a time, so the notification log is read and written in order and
 * nothing goes out twice; while one runs, only the newest flush waits (an
 * older waiting flush is superseded, since every flush carries the group's
 * whole current state). Queues never wait on each other: a hanging mail
 * server holds back neither the Slack message of the same group nor any
 * other receiver.
 */
export type DeliveryJob = () => Promise<boolean>;

export class IntegrationQueue {
  private running = false;
  private waiting?: { job: DeliveryJob; resolve: (ok: boolean) => void };

  /** onIdle: called when nothing runs or waits any more (the owner may drop the queue). */
  constructor(private readonly onIdle: () => void) {}

  /** Resolves with the job's outcome, or false when a newer flush superseded it before it ran. */
  submit(job: DeliveryJob): Promise<boolean> {
    if (!this.running) return this.run(job);
    this.waiting?.resolve(false);
    return new Promise<boolean>((resolve) => { this.waiting = { job, resolve }; });
  }

  get busy(): boolean {
    return this.running || this.waiting !== undefined;
  }

  private async run(job: DeliveryJob): Promise<boolean> {
    this.running = true;
    let ok = false;
    try {
      ok = await job();
    } catch {
      ok = false;
    } finally {
      this.running = false;
    }
    const next = this.waiting;
    this.waiting = undefined;
    if (next) void this.run(next.job).then(next.resolve);
    else this.onIdle();
    return ok;
  }
}
