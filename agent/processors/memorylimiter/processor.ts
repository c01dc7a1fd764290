/**
 * The memory_limiter processor, so Collector configs with
 * `processors: [memory_limiter, batch]` work: the same MemoryLimiter as the
 * OTLP receiver's receivers.otlp.memory_limiter (same keys, same RSS and V8
 * heap measurements), checked when data reaches the processor. The
 * receiver's own check stays in front of decoding (a refused request costs
 * no memory there); this one also covers data from other receivers and
 * connectors. Refusal is retryable (the sender gets 503 / RESOURCE_EXHAUSTED).
 */
import type { Counter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { RetryableError, type Component, type Consumer, type Host } from '../../component/component';
import { countItems } from '../../otlp/count';
import type { Signal, SignalData } from '../../otlp/model';
import { MemoryLimiter, type MemoryLimiterConfig, type MemoryLimiterOptions } from '../../receivers/otlp/memory-limiter';

const MIB = 1024 * 1024;

export class MemoryLimiterProcessor implements Component, Consumer {
  readonly mutatesData = false;
  /** Refuses by itself: a fan-out offers it data with the consumers that can refuse. */
  readonly neverRefuses = false;
  readonly limiter: MemoryLimiter;
  private refused?: Counter;
  private logger?: Logger;

  constructor(readonly id: string, config: MemoryLimiterConfig, private readonly next: Consumer, opts: Pick<MemoryLimiterOptions, 'measure'> = {}) {
    this.limiter = new MemoryLimiter(config, {
      ...opts,
      onChange: (refusing, used, limits) => this.logger?.warn({ used_mib: Math.round(used / MIB), soft_limit_mib: Math.round(limits.softBytes / MIB) },
        refusing ? `processor ${this.id}: memory over the soft limit, refusing data until it drops` : `processor ${this.id}: memory back under the soft limit, accepting again`),
    });
  }

  async start(host: Host): Promise<void> {
    this.logger = host.logger.child({ component: `processor/${this.id}` });
    this.refused = host.meter.createCounter('lookout_processor_memory_limiter_refused_items_total', {
      description: 'Items (spans, data points, log records) the memory_limiter processor refused (retryable) while memory was over its soft limit.',
    });
    this.limiter.start();
  }

  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    if (this.limiter.refusing) {
      this.refused?.add(countItems(signal, data), { processor: this.id, signal });
      const what = this.limiter.reason === 'heap' ? 'V8 heap over heap_limit_percentage of its limit' : `RSS ${Math.round(this.limiter.usedBytes / MIB)} MiB over the soft limit ${Math.round(this.limiter.limits.softBytes / MIB)} MiB`;
      throw new RetryableError(`processor ${this.id}: the agent is over its memory limit (${what}): data not accepted now, retry later`);
    }
    return this.next.consume(signal, data);
  }

  async shutdown(): Promise<void> {
    this.limiter.stop();
  }
}
