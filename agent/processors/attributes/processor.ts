/**
 * The attributes processor: the configured actions run, as in the
 * Collector, on every span's, log record's and metric data point's
 * attributes. Mutates in place (mutatesData).
 */
import type { Component, Consumer } from '../../component/component';
import type { KeyValue, Signal, SignalData } from '../../otlp/model';
import { metricPoints } from '../redaction/walk';
import { compileActions, type AttributesFn } from './actions';
import type { AttributesConfig } from './config';

/** Runs `fn` on an object's attribute list, creating the list when absent (insert needs one). */
export function applyTo(holder: { attributes?: KeyValue[] }, fn: AttributesFn): void {
  holder.attributes = fn(holder.attributes ?? []);
}

export class AttributesProcessor implements Component, Consumer {
  private readonly fn: AttributesFn;

  constructor(readonly id: string, config: AttributesConfig, private readonly next: Consumer) {
    this.fn = compileActions(config.actions);
  }

  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}

  process<S extends Signal>(signal: S, data: SignalData[S]): void {
    const fn = this.fn;
    if (signal === 'traces') {
      for (const rs of (data as SignalData['traces']).resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) applyTo(span, fn);
      }
    } else if (signal === 'logs') {
      for (const rl of (data as SignalData['logs']).resourceLogs ?? []) {
        for (const sl of rl.scopeLogs ?? []) for (const rec of sl.logRecords ?? []) applyTo(rec, fn);
      }
    } else {
      for (const rm of (data as SignalData['metrics']).resourceMetrics ?? []) {
        for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) for (const p of metricPoints(m)) applyTo(p, fn);
      }
    }
  }

  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    this.process(signal, data);
    return this.next.consume(signal, data);
  }
}
