/**
 * A fake clock and scheduler for the dispatcher: timers fire only when a test
 * advances time, in due order, so group_wait / group_interval /
 * repeat_interval are checked without sleeping.
 */
import type { Timers, TimerHandle } from '../../../agent/alerting/timer';

interface FakeTimer { id: number; at: number; fn: () => void }

export class FakeClock implements Timers {
  private timers: FakeTimer[] = [];
  private nextId = 1;

  constructor(public t = Date.parse('2026-03-02T10:00:00Z')) {}

  readonly now = (): number => this.t;

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((x) => x.id !== handle.id);
  }

  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing due timers in order (each sees its own due time as now). */
  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = target;
  }
}
