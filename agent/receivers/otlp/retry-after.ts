/**
 * A Retry-After that grows while the pressure lasts: the first refusal asks
 * for `initial` seconds; once that much time has passed and requests are
 * still refused, the next answers ask for twice as long, up to `max`. The
 * first accepted request, or no refusal for twice the current delay, ends
 * the episode (back to `initial`). Many requests
 * refused at once do not escalate faster: it doubles at most once per
 * current delay, so senders that honour it spread out instead of stampeding
 * back every second.
 */
export class GrowingRetryAfter {
  private current = 0;
  private grownAt = 0;
  private lastAt = 0;

  constructor(private readonly initialSeconds: number, private readonly maxSeconds: number, private readonly now: () => number = Date.now) {}

  /** Seconds to ask the sender to wait now (and notes that the pressure goes on). */
  next(): number {
    const now = this.now();
    // No refusal for twice the delay: that episode is over even if no request got through meanwhile.
    if (this.current !== 0 && now - this.lastAt > this.current * 2000) this.current = 0;
    this.lastAt = now;
    if (this.current === 0) {
      this.current = this.initialSeconds;
      this.grownAt = now;
    } else if (now - this.grownAt >= this.current * 1000) {
      this.current = Math.min(this.maxSeconds, this.current * 2);
      this.grownAt = now;
    }
    return this.current;
  }

  /** Pressure is over: the next refusal starts again at `initial`. */
  reset(): void {
    this.current = 0;
  }

  get seconds(): number {
    return this.current;
  }
}
