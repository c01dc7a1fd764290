/**
 * Routes each signal to the consumers subscribed to it, the pipelines of the
 * Collector's service section with a fixed topology:
 *   traces  -> [exporter, spanmetrics]
 *   metrics -> [exporter, metrics-to-store]
 *   logs    -> [exporter, logmetrics]
 */
import type { Consumer } from '../component/component';
import { FanoutConsumer } from '../component/fanout';
import type { Signal, SignalData } from '../otlp/model';

export class SignalRouter implements Consumer {
  private readonly routes: Record<Signal, Consumer[]> = { traces: [], metrics: [], logs: [] };
  // Each fanout holds its route's array, so later subscriptions are seen.
  private readonly fanouts: Record<Signal, FanoutConsumer> = {
    traces: new FanoutConsumer(this.routes.traces),
    metrics: new FanoutConsumer(this.routes.metrics),
    logs: new FanoutConsumer(this.routes.logs),
  };

  subscribe(signal: Signal, consumer: Consumer): void {
    this.routes[signal].push(consumer);
  }

  consumers(signal: Signal): readonly Consumer[] {
    return this.routes[signal];
  }

  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    if (this.routes[signal].length) await this.fanouts[signal].consume(signal, data);
  }
}
