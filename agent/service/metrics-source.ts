/**
 * Adds a Prometheus text source to the admin /metrics as a component, so it
 * is registered in start order with what it reads.
 */
import type { Component, Host } from '../component/component';

export class MetricsSource implements Component {
  constructor(readonly id: string, private readonly render: () => string | AsyncIterable<string>) {}

  async start(host: Host): Promise<void> {
    host.registerMetricsSource(this.render);
  }

  async shutdown(): Promise<void> {}
}
