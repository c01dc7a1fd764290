/**
 * The receiver's memory limiter, the Collector's memory_limiter processor
 * moved in front of decoding: every check_interval the process' RSS is
 * read; while it is above the soft limit (limit_mib - spike_limit_mib) the
 * receiver refuses requests before reading or decoding their bodies
 * (OTLP/HTTP 503 + Retry-After, OTLP/gRPC RESOURCE_EXHAUSTED), so a flood
 * costs no more memory. It refuses until usage is back under the soft limit.
 *
 * RSS, not the V8 heap, is measured: it is what a container's memory limit
 * (and the OOM killer) counts, and it includes the heap.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MemoryLimiterConfig {
  enabled: boolean;
  /** ms between two measurements. */
  check_interval: number;
  /** Hard limit (MiB); undefined = 80 % of the container's memory limit, else of the machine's memory. */
  limit_mib?: number;
  /** Headroom below limit_mib (MiB) where refusing starts; undefined = 20 % of the limit. */
  spike_limit_mib?: number;
}

const MIB = 1024 * 1024;

/** The cgroup (v2, then v1) memory limit in bytes, undefined when there is none. */
export function containerMemoryLimitBytes(read: (file: string) => string = (f) => readFileSync(f, 'utf8')): number | undefined {
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const text = read(file).trim();
      if (text === 'max') return undefined;
      const n = Number(text);
      // cgroup v1 says "no limit" with a huge number (PAGE_COUNTER_MAX).
      if (Number.isFinite(n) && n > 0 && n < 2 ** 60) return n;
    } catch {
      // not this cgroup version
    }
  }
  return undefined;
}

export interface MemoryLimits { limitBytes: number; softBytes: number }

export function resolveLimits(config: MemoryLimiterConfig, containerBytes = containerMemoryLimitBytes(), machineBytes = os.totalmem()): MemoryLimits {
  // Without a container limit (a plain process) the machine's memory is the only bound there is.
  const limitBytes = config.limit_mib !== undefined ? config.limit_mib * MIB : Math.floor((containerBytes ?? machineBytes) * 0.8);
  const spikeBytes = config.spike_limit_mib !== undefined ? config.spike_limit_mib * MIB : Math.floor(limitBytes * 0.2);
  return { limitBytes, softBytes: Math.max(0, limitBytes - spikeBytes) };
}

export interface MemoryLimiterOptions {
  /** Bytes in use; default process.memoryUsage.rss(). */
  measure?: () => number;
  /** Called when refusing starts and stops (for the log line). */
  onChange?: (refusing: boolean, usedBytes: number, limits: MemoryLimits) => void;
}

export class MemoryLimiter {
  readonly limits: MemoryLimits;
  private timer?: NodeJS.Timeout;
  private refusingNow = false;
  private lastUsed = 0;
  private readonly measure: () => number;

  constructor(private readonly config: MemoryLimiterConfig, private readonly opts: MemoryLimiterOptions = {}, containerBytes?: number) {
    this.limits = resolveLimits(config, containerBytes ?? containerMemoryLimitBytes());
    this.measure = opts.measure ?? (() => process.memoryUsage.rss());
  }

  /** True while requests must be refused. */
  get refusing(): boolean {
    return this.config.enabled && this.refusingNow;
  }

  get usedBytes(): number {
    return this.lastUsed;
  }

  start(): void {
    if (!this.config.enabled || this.timer) return;
    this.check();
    this.timer = setInterval(() => this.check(), this.config.check_interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One measurement (the timer calls it every check_interval). */
  check(): void {
    this.lastUsed = this.measure();
    const refusing = this.lastUsed > this.limits.softBytes;
    if (refusing !== this.refusingNow) {
      this.refusingNow = refusing;
      this.opts.onChange?.(refusing, this.lastUsed, this.limits);
    }
  }
}
