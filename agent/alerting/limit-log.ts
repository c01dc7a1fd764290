/**
 * Warnings about refused requests, at most one line per reason per
 * interval: a client hammering a limit must not turn the agent's log into
 * the next resource problem. Each line says how many were suppressed since
 * the previous one; the counters still count every refusal.
 */
import type { Logger } from 'pino';

export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: () => Logger | undefined,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** `reason` is one of a few fixed strings (it keys the map). */
  warn(reason: string, fields: Record<string, unknown>, msg: string): void {
    const t = this.now();
    const e = this.last.get(reason);
    if (e && t - e.at < this.intervalMs) {
      e.suppressed++;
      return;
    }
    this.logger()?.warn({ reason, ...fields, suppressedSinceLastLine: e?.suppressed ?? 0 }, msg);
    this.last.set(reason, { at: t, suppressed: 0 });
  }
}
