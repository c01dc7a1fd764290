/**
 * The clock and timers the dispatcher runs on, injected so tests drive
 * group_wait / group_interval / repeat_interval with a fake clock instead of
 * sleeping. The real one is Date.now and setTimeout (unref'd: pending
 * notification timers never keep the process alive on shutdown).
 */
export type Clock = () => number;

export interface TimerHandle { readonly id: unknown }

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realClock: Clock = () => Date.now();

export const realTimers: Timers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { id: t };
  },
  clearTimeout(handle) {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
};
