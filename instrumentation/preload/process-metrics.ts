/**
 * Process CPU and memory, which the runtime-node instrumentation does not
 * cover (it has event loop, GC and heap). Named per the OTel process.*
 * semantic conventions; skipped when the host-metrics instrumentation is
 * enabled, because it reports the same names.
 */
import { metrics } from '@opentelemetry/api';
import v8 from 'node:v8';

export function registerProcessMetrics(scope: string, version: string): void {
  const meter = metrics.getMeter(scope, version);
  meter
    .createObservableCounter('process.cpu.time', { description: 'CPU seconds used by this process, by mode', unit: 's' })
    .addCallback((result) => {
      const usage = process.cpuUsage();
      result.observe(usage.user / 1e6, { 'cpu.mode': 'user' });
      result.observe(usage.system / 1e6, { 'cpu.mode': 'system' });
    });
  meter
    .createObservableUpDownCounter('process.memory.usage', { description: 'Resident set size of this process', unit: 'By' })
    .addCallback((result) => {
      result.observe(process.memoryUsage.rss());
    });
  // runtime-node (0.36) declares v8js.memory.heap.limit but never reports it;
  // "heap near its limit" needs V8's heap_size_limit (--max-old-space-size
  // and friends), reported here for the whole heap (no space attribute).
  meter
    .createObservableGauge('v8js.memory.heap.limit', { description: 'V8 heap size limit (heap_size_limit)', unit: 'By' })
    .addCallback((result) => {
      result.observe(v8.getHeapStatistics().heap_size_limit);
    });
}

export function hostMetricsEnabled(env: NodeJS.ProcessEnv): boolean {
  const enabled = env.OTEL_NODE_ENABLED_INSTRUMENTATIONS?.split(',').map((s) => s.trim()) ?? [];
  const disabled = env.OTEL_NODE_DISABLED_INSTRUMENTATIONS?.split(',').map((s) => s.trim()) ?? [];
  return enabled.includes('host-metrics') && !disabled.includes('host-metrics');
}
