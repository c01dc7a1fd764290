/**
 * A real OpenTelemetry SDK registered globally for toolkit tests: spans go
 * to an InMemorySpanExporter, metrics are collected on demand. Uses the SDK
 * as re-exported by @opentelemetry/sdk-node (a direct dependency).
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { metrics as sdkMetrics, node, tracing } from '@opentelemetry/sdk-node';

class OnDemandReader extends sdkMetrics.MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface TestTelemetry {
  spans(): tracing.ReadableSpan[];
  /** Current value per attribute set, for a counter or gauge. */
  points(name: string): { attributes: Record<string, unknown>; value: number }[];
  collect(): Promise<void>;
  uninstall(): Promise<void>;
}

export function installTestTelemetry(): TestTelemetry {
  const exporter = new tracing.InMemorySpanExporter();
  const tracerProvider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
  tracerProvider.register();
  const reader = new OnDemandReader();
  const meterProvider = new sdkMetrics.MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  let collected: sdkMetrics.ResourceMetrics | undefined;
  return {
    spans: () => exporter.getFinishedSpans(),
    collect: async () => {
      collected = (await reader.collect()).resourceMetrics;
    },
    points: (name) =>
      (collected?.scopeMetrics ?? [])
        .flatMap((sm) => sm.metrics)
        .filter((m) => m.descriptor.name === name)
        .flatMap((m) => m.dataPoints.map((p) => ({ attributes: { ...p.attributes }, value: p.value as number }))),
    uninstall: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      metrics.disable();
    },
  };
}

/** A pino destination that keeps parsed JSON lines. */
export function captureLines(): { lines: Record<string, unknown>[]; write(line: string): void } {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
}
