/**
 * Rate-limited reporting for the preload's own problems.
 *
 * When the sidecar is down every export fails, every few seconds, forever; an
 * app's stderr must not fill up with that. Each key (a message class, e.g.
 * "export failed") is written at most once per interval; what was held back
 * is counted and mentioned in the next line for that key.
 */

export interface ThrottleOptions {
  /** Minimum time between two lines for the same key, ms. */
  intervalMs: number;
  write: (line: string) => void;
  now?: () => number;
  /** Keys remembered at once; the oldest is forgotten beyond this (bounded memory). */
  maxKeys?: number;
}

interface KeyState {
  lastWrittenAt: number;
  suppressed: number;
}

export class Throttle {
  private readonly keys = new Map<string, KeyState>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100;
  }

  /** Writes `line` unless `key` was written less than intervalMs ago. Returns whether it was written. */
  report(key: string, line: string): boolean {
    const now = this.now();
    const state = this.keys.get(key);
    if (state && now - state.lastWrittenAt < this.options.intervalMs) {
      state.suppressed++;
      return false;
    }
    const suffix = state && state.suppressed > 0 ? ` (${state.suppressed} more like this in the last ${Math.round((now - state.lastWrittenAt) / 1000)} s were not shown)` : '';
    this.keys.delete(key); // re-insert: Map order is then least-recently-written first
    this.keys.set(key, { lastWrittenAt: now, suppressed: 0 });
    if (this.keys.size > this.maxKeys) this.keys.delete(this.keys.keys().next().value as string);
    this.options.write(line + suffix);
    return true;
  }
}
