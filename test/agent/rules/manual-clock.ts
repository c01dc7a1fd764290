/** A clock whose time moves only when the test says, running due timers in order. */
import type { Clock } from '../../../agent/rules/manager';

export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void | Promise<void>; id: number }[] = [];
  private nextId = 1;
  constructor(public time: number) {}
  now(): number { return this.time; }
  setTimeout(fn: () => void | Promise<void>, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  /** Advances to `to`, firing every timer due on the way (and waiting for what each one started). */
  async advanceTo(to: number): Promise<void> {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const t = this.timers[0];
      if (!t || t.at > to) break;
      this.timers.shift();
      this.time = Math.max(this.time, t.at);
      await t.fn();
    }
    this.time = to;
  }
  pending(): number { return this.timers.length; }
}
