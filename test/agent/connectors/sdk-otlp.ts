/**
 * Real OTLP from the real OTel JS SDK: spans and log records are made with
 * the SDK, sent by its OTLP/HTTP protobuf exporters to an OtlpSink, and the
 * requests the sink decoded (with Lookout's codec) are returned, so the
 * connectors are tested on exactly what an app sends.
 */
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { countLogRecords, countSpans } from '../../../agent/otlp/count';
import type { ExportLogsServiceRequest, ExportTraceServiceRequest } from '../../../agent/otlp/model';
import { OtlpSink } from '../../helpers/otlp-sink';
import { waitFor } from '../../helpers/wait';

export async function sdkSpans(
  resource: Record<string, string | number | boolean>,
  build: (tracer: Tracer) => void,
): Promise<ExportTraceServiceRequest[]> {
  const sink = await new OtlpSink().start();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${sink.url}/v1/traces` }))],
  });
  try {
    const tracer = provider.getTracer('connector-test', '1.0.0');
    let started = 0;
    build({
      startSpan: (...args: Parameters<Tracer['startSpan']>) => { started++; return tracer.startSpan(...args); },
      startActiveSpan: tracer.startActiveSpan.bind(tracer),
    } as Tracer);
    await provider.forceFlush();
    await waitFor(() => sink.of('traces').reduce((n, r) => n + countSpans(r), 0) >= started, { what: `${started} spans at the sink` });
    return sink.of('traces');
  } finally {
    await provider.shutdown();
    await sink.stop();
  }
}

export async function sdkLogs(
  resource: Record<string, string | number | boolean>,
  build: (logger: Logger) => void,
): Promise<ExportLogsServiceRequest[]> {
  const sink = await new OtlpSink().start();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resource),
    processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${sink.url}/v1/logs` }) })],
  });
  try {
    const logger = provider.getLogger('connector-test', '1.0.0');
    let emitted = 0;
    build({ emit: (r) => { emitted++; logger.emit(r); }, enabled: () => true } as Logger);
    // SimpleLogRecordProcessor's forceFlush does not wait for exports in flight: wait for the sink.
    await provider.forceFlush();
    await waitFor(() => sink.of('logs').reduce((n, r) => n + countLogRecords(r), 0) >= emitted, { what: `${emitted} log records at the sink` });
    return sink.of('logs');
  } finally {
    await provider.shutdown();
    await sink.stop();
  }
}
