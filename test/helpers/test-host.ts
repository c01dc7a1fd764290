/**
 * A fake Host for starting one component directly in tests (no service), a
 * recording Consumer whose behaviour can be scripted, and helpers to read
 * self-metrics back from the in-memory MeterProvider.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import express from 'express';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { Consumer, Host } from '../../agent/component/component';
import type { Signal, SignalData } from '../../agent/otlp/model';

/** A pull reader: tests call collect() whenever they want the current values. */
class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface TestHost extends Host {
  reader: MetricReader;
  provider: MeterProvider;
  cleanup(): Promise<void>;
}

/** A pino logger writing JSON lines into `lines` (for asserting what gets logged). */
export function capturingLogger(lines: Record<string, unknown>[]): pino.Logger {
  return pino({ level: 'debug' }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } });
}

export function testHost(overrides: Partial<Host> = {}): TestHost {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  const storageDir = mkdtempSync(path.join(os.tmpdir(), 'lookout-test-host-'));
  return {
    logger: pino({ level: 'silent' }),
    meter: provider.getMeter('lookout-test'),
    adminRouter: express.Router(),
    registerMetricsSource: () => undefined,
    storageDir,
    ...overrides,
    reader,
    provider,
    async cleanup() {
      await provider.shutdown().catch(() => undefined);
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

/** Sum of a counter's points matching every given attribute (0 when absent). */
export async function counterValue(host: TestHost, name: string, attrs: Record<string, string>): Promise<number> {
  const { resourceMetrics } = await host.reader.collect();
  let total = 0;
  for (const sm of resourceMetrics.scopeMetrics) {
    for (const m of sm.metrics) {
      if (m.descriptor.name !== name) continue;
      for (const p of m.dataPoints) {
        if (Object.entries(attrs).every(([k, v]) => p.attributes[k] === v)) total += typeof p.value === 'number' ? p.value : (p.value as { count: number }).count;
      }
    }
  }
  return total;
}

export interface Received<S extends Signal = Signal> { signal: S; data: SignalData[S] }

/** Records what it is given; `behaviour` may throw (RetryableError, ...) or block to script the pipeline. */
export class RecordingConsumer implements Consumer {
  readonly received: Received[] = [];
  behaviour?: (signal: Signal, data: SignalData[Signal]) => void | Promise<void>;

  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    if (this.behaviour) await this.behaviour(signal, data);
    this.received.push({ signal, data });
  }

  of<S extends Signal>(signal: S): SignalData[S][] {
    return this.received.filter((r) => r.signal === signal).map((r) => r.data as SignalData[S]);
  }

  clear(): void {
    this.received.length = 0;
  }
}

