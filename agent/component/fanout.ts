/**
 * Fans one signal out to several consumers (exporter, connectors, store).
 * Every consumer sees every batch; the first failure is reported to the
 * sender only after all consumers were tried, so one slow or full consumer
 * never starves the others.
 */
import type { Consumer } from './component';
import type { Signal, SignalData } from '../otlp/model';

export class FanoutConsumer implements Consumer {
  constructor(private readonly consumers: Consumer[]) {}

  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    if (this.consumers.length === 1) return this.consumers[0].consume(signal, data);
    const results = await Promise.allSettled(this.consumers.map((c) => c.consume(signal, data)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
