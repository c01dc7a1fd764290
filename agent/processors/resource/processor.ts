/**
 * The resource processor: attribute actions on the resource of every
 * ResourceSpans/ResourceMetrics/ResourceLogs (a missing resource is created,
 * so insert works on it). Mutates in place.
 */
import type { Component, Consumer } from '../../component/component';
import type { Resource, Signal, SignalData } from '../../otlp/model';
import { compileActions, type AttributesFn } from '../attributes/actions';
import type { ResourceConfig } from './config';

export class ResourceProcessor implements Component, Consumer {
  private readonly fn: AttributesFn;

  constructor(readonly id: string, config: ResourceConfig, private readonly next: Consumer) {
    this.fn = compileActions(config.attributes);
  }

  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}

  process<S extends Signal>(signal: S, data: SignalData[S]): void {
    const groups: { resource?: Resource | null }[] = signal === 'traces'
      ? (data as SignalData['traces']).resourceSpans ?? []
      : signal === 'logs' ? (data as SignalData['logs']).resourceLogs ?? [] : (data as SignalData['metrics']).resourceMetrics ?? [];
    for (const g of groups) {
      const resource = g.resource ?? (g.resource = { attributes: [] });
      resource.attributes = this.fn(resource.attributes ?? []);
    }
  }

  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    this.process(signal, data);
    return this.next.consume(signal, data);
  }
}
