/**
 * The agent's own telemetry: an OTel MeterProvider whose instruments
 * (lookout_receiver_*, lookout_exporter_*, ...) are read by
 * @opentelemetry/exporter-prometheus and served on the admin /metrics.
 * The exporter's own HTTP server is not started: the admin express app
 * serves it on the same port, followed by any extra text sources (the
 * local store's series).
 */
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Meter } from '@opentelemetry/api';
import { BUILD_INFO } from './build-info';
import { EventLoopDelayMonitor } from './event-loop';

/** Text for /metrics: a string, or chunks of one (large sources stream, see agent/exposition). */
export type MetricsSource = () => string | Promise<string> | AsyncIterable<string>;

export class SelfMetrics {
  readonly meter: Meter;
  private readonly exporter: PrometheusExporter;
  private readonly serializer = new PrometheusSerializer(undefined, false, undefined, true, true);
  private readonly provider: MeterProvider;
  private readonly sources: MetricsSource[] = [];
  private readonly eventLoop: EventLoopDelayMonitor;

  constructor(extraReaders: MetricReader[] = []) {
    this.exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true });
    this.provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'lookout', 'service.version': BUILD_INFO.version }),
      readers: [this.exporter, ...extraReaders],
    });
    this.meter = this.provider.getMeter('lookout');
    const buildInfo = this.meter.createObservableGauge('lookout_build_info', {
      description: 'A metric with a constant 1 value labelled by version and Node.js version of the agent.',
    });
    buildInfo.addCallback((r) => r.observe(1, { version: BUILD_INFO.version, nodeversion: BUILD_INFO.nodeVersion }));
    this.eventLoop = new EventLoopDelayMonitor(this.meter);
    this.eventLoop.start();
  }

  addSource(source: MetricsSource): void {
    this.sources.push(source);
  }

  /** The whole /metrics body: the agent's instruments, then every registered source. */
  async render(): Promise<string> {
    let text = '';
    for await (const chunk of this.renderChunks()) text += chunk;
    return text;
  }

  /** render() in chunks, as the sources produce them: the admin server streams them. */
  async *renderChunks(): AsyncGenerator<string, void, void> {
    const { resourceMetrics } = await this.exporter.collect();
    const own = this.serializer.serialize(resourceMetrics);
    yield own;
    let endsWithNewline = own === '' || own.endsWith('\n');
    for (const source of this.sources) {
      const out = await source();
      const chunks = typeof out === 'string' ? [out] : out;
      for await (const chunk of chunks) {
        if (!chunk) continue;
        yield endsWithNewline ? chunk : '\n' + chunk;
        endsWithNewline = chunk.endsWith('\n');
      }
    }
  }

  async shutdown(): Promise<void> {
    this.eventLoop.stop();
    await this.provider.shutdown().catch(() => undefined);
  }
}
