/**
 * Feeds the agent's own metrics (lookout_exporter_*, lookout_receiver_*)
 * into the local pipeline as OTLP, so local rules can alert on the agent
 * itself ("failing to export") exactly as on the app's metrics. The SDK's
 * ResourceMetrics are serialised with the SDK's own OTLP serializer and
 * decoded with Lookout's codec: one path, the same conversion as any app.
 */
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import {
  AggregationTemporality, PeriodicExportingMetricReader,
  type PushMetricExporter, type ResourceMetrics, type InstrumentType,
} from '@opentelemetry/sdk-metrics';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { Consumer } from '../component/component';
import { decodeProtoRequest } from '../otlp/codec';

class ConsumerMetricExporter implements PushMetricExporter {
  target?: Consumer;

  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    const target = this.target;
    const bytes = target ? ProtobufMetricsSerializer.serializeRequest(metrics) : undefined;
    if (!target || !bytes) {
      done({ code: ExportResultCode.SUCCESS });
      return;
    }
    target.consume('metrics', decodeProtoRequest('metrics', bytes)).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: Error) => done({ code: ExportResultCode.FAILED, error }),
    );
  }

  selectAggregationTemporality(_type: InstrumentType): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {
    this.target = undefined;
  }
}

/** A metric reader for SelfMetrics; call setTarget once the store's consumer exists. */
export class SelfScrape {
  private readonly exporter = new ConsumerMetricExporter();
  readonly reader: PeriodicExportingMetricReader;

  constructor(intervalMs: number) {
    this.reader = new PeriodicExportingMetricReader({
      exporter: this.exporter,
      exportIntervalMillis: intervalMs,
      exportTimeoutMillis: Math.min(intervalMs, 5000),
    });
  }

  setTarget(target: Consumer | undefined): void {
    this.exporter.target = target;
  }
}
