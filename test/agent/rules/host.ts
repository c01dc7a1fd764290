/**
 * A real component Host for rules tests: pino (silent), an OTel MeterProvider
 * with an in-memory reader (so counters can be asserted), an express Router.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express, { type Router } from 'express';
import pino from 'pino';
import {
  AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { Host } from '../../../agent/component/component';

export interface TestHost extends Host {
  adminRouter: Router;
  /** Sum of a counter's points matching the attributes. */
  counter(name: string, attrs?: Record<string, string>): Promise<number>;
  cleanup(): Promise<void>;
}

export function makeHost(storageDir = mkdtempSync(path.join(tmpdir(), 'lookout-rules-host-'))): TestHost {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    logger: pino({ level: 'silent' }),
    meter: provider.getMeter('lookout-test'),
    adminRouter: express.Router(),
    registerMetricsSource: () => {},
    storageDir,
    async counter(name, attrs = {}) {
      await reader.forceFlush();
      let total = 0;
      for (const rm of exporter.getMetrics().slice(-1)) {
        for (const sm of rm.scopeMetrics) {
          for (const m of sm.metrics) {
            if (m.descriptor.name !== name) continue;
            for (const dp of m.dataPoints) {
              if (Object.entries(attrs).every(([k, v]) => dp.attributes[k] === v)) total += dp.value as number;
            }
          }
        }
      }
      return total;
    },
    async cleanup() {
      await provider.shutdown();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}
