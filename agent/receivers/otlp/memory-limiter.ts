/**
 * The receiver's memory limiter, the Collector's memory_limiter processor
 * moved in front of decoding: every check_interval the process' RSS is
 * read; while it is above the soft limit (limit_mib - spike_limit_mib) the
 * receiver refuses requests before reading or decoding their bodies
 * (OTLP/HTTP 503 + Retry-After, OTLP/gRPC RESOURCE_EXHAUSTED), so a flood
 * costs no more memory. It refuses until usage is back under the soft limit.
 *
 * Two measures, either one refuses: RSS, what a container's memory limit
 * (and the OOM killer) counts; and the V8 heap against V8's own heap limit
 * (heap_limit_percentage), since a heap that reaches its limit ends in
 * "FATAL ERROR: Reached heap limit" long before RSS reaches a large container's limit.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';

export interface MemoryLimiterConfig {
  enabled: boolean;
  /** ms between two measurements. */
  check_interval: number;
  /** Hard limit (MiB); undefined = 80 % of the container's memory limit, else of the machine's memory. */
  limit_mib?: number;
  /** Headroom below limit_mib (MiB) where refusing starts; undefined = 20 % of the limit. */
  spike_limit_mib?: number;
  /** Refuse while the V8 heap in use exceeds this share (%) of V8's heap limit; 0 = no heap check. */
  heap_limit_percentage?: number;
}

export interface MemoryUse { rss: number; heapUsed: number; heapLimit: number }

function measureProcess(): MemoryUse {
  const heap = v8.getHeapStatistics();
  return { rss: process.memoryUsage.rss(), heapUsed: heap.used_heap_size, heapLimit: heap.heap_size_limit };
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
  /** Memory in use; default RSS and V8 heap statistics of this process. */
  measure?: () => MemoryUse;
  /** Called when refusing starts and stops (for the log line). */
  onChange?: (refusing: boolean, usedBytes: number, limits: MemoryLimits) => void;
}

export class MemoryLimiter {
  readonly limits: MemoryLimits;
  private timer?: NodeJS.Timeout;
  private refusingNow = false;
  private lastUsed = 0;
  private readonly measure: () => MemoryUse;
  /** What tipped the last refusal: "rss" or "heap". */
  reason: 'rss' | 'heap' | '' = '';

  constructor(private readonly config: MemoryLimiterConfig, private readonly opts: MemoryLimiterOptions = {}, containerBytes?: number) {
    this.limits = resolveLimits(config, containerBytes ?? containerMemoryLimitBytes());
    this.measure = opts.measure ?? measureProcess;
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
    const m = this.measure();
    this.lastUsed = m.rss;
    const heapShare = this.config.heap_limit_percentage ?? 0;
    const heapOver = heapShare > 0 && m.heapLimit > 0 && m.heapUsed > m.heapLimit * heapShare / 100;
    const rssOver = m.rss > this.limits.softBytes;
    this.reason = rssOver ? 'rss' : heapOver ? 'heap' : '';
    const refusing = rssOver || heapOver;
    if (refusing !== this.refusingNow) {
      this.refusingNow = refusing;
      this.opts.onChange?.(refusing, this.lastUsed, this.limits);
    }
  }
}
