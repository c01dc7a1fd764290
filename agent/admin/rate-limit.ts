/** A token bucket: `capacity` calls, refilled evenly over `periodMs` (N per minute, bursts up to N). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly capacity: number, private readonly periodMs: number, private readonly now: () => number = Date.now) {
    this.tokens = capacity;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) * this.capacity) / this.periodMs);
    this.last = t;
  }

  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  msUntilNext(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) * this.periodMs) / this.capacity;
  }
}
