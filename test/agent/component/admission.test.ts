/**
 * Admission before fan-out (issue 8, item 4): data the receiver answers
 * with 503 is seen by no local consumer, so when the real OTel SDK exporter
 * retries, spanmetrics counts each span exactly once.
 */
import assert from 'node:assert/strict';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { RetryableError, type Consumer } from '../../../agent/component/component';
import { FanoutConsumer } from '../../../agent/component/fanout';
import { SignalRouter } from '../../../agent/service/signal-router';
import { OtlpReceiver, otlpReceiverConfigSchema } from '../../../agent/receivers/otlp';
import { SpanMetricsConnector } from '../../../agent/connectors/spanmetrics';
import { spanmetricsConfigSchema } from '../../../agent/connectors/spanmetrics/config';
import { MemoryStore } from '../../../agent/store/memory-store';
import type { Signal, SignalData } from '../../../agent/otlp/model';
import { countSpans } from '../../../agent/otlp/count';
import { testHost } from '../../helpers/test-host';
import { exportWith, makeSpans, assertExportSucceeded } from '../receivers/otlp/sdk-data';

/** An exporter stand-in that refuses the first `refusals` requests (a full queue), then accepts. */
class FlakyGatekeeper implements Consumer {
  calls = 0;
  accepted = 0;
  constructor(private refusals: number) {}
  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    this.calls++;
    if (this.refusals > 0) {
      this.refusals--;
      throw new RetryableError('queue is full');
    }
    if (signal === 'traces') this.accepted += countSpans(data as SignalData['traces']);
  }
}

class Counting implements Consumer {
  readonly neverRefuses = true;
  seen = 0;
  async consume(): Promise<void> {
    this.seen++;
  }
}

describe('admission before fan-out', function () {
  this.timeout(30_000);

  it('hands data to local consumers only after the refusing consumers accepted it', async () => {
    const gate = new FlakyGatekeeper(1);
    const local = new Counting();
    // Local consumer subscribed first: order of subscription must not matter.
    const fanout = new FanoutConsumer([local, gate]);
    await assert.rejects(fanout.consume('traces', { resourceSpans: [] }), RetryableError);
    assert.equal(local.seen, 0, 'a refused request reached a local consumer');
    await fanout.consume('traces', { resourceSpans: [] });
    assert.equal(local.seen, 1);
    assert.equal(gate.calls, 2);
  });

  it('the real OTel SDK exporter retrying after 503 is counted once by spanmetrics', async () => {
    const store = new MemoryStore();
    const spanmetrics = new SpanMetricsConnector(spanmetricsConfigSchema.parse({ metrics_flush_interval: '0s' }), store);
    const gate = new FlakyGatekeeper(2);
    const router = new SignalRouter();
    router.subscribe('traces', spanmetrics);
    router.subscribe('traces', gate);
    const receiver = new OtlpReceiver(otlpReceiverConfigSchema.parse({ http: { endpoint: '127.0.0.1:0' } }), router);
    const host = testHost();
    await spanmetrics.start(host);
    await receiver.start(host);
    try {
      const spans = await makeSpans('admission');
      const exporter = new OTLPTraceExporter({ url: `${receiver.httpUrl}/v1/traces` });
      assertExportSucceeded(await exportWith(exporter, spans), 'retried export');
      await exporter.shutdown();
      assert.equal(gate.calls, 3, 'the SDK retried twice after 503');
      spanmetrics.flush();
      const calls = store.select([{ name: '__name__', type: '=', value: 'traces_span_metrics_calls_total' }], 0, Date.now() + 60_000);
      const counted = calls.reduce((n, s) => n + s.v[s.v.length - 1], 0);
      assert.equal(gate.accepted, spans.length);
      assert.equal(counted, gate.accepted, `spanmetrics counted ${counted} spans, the agent accepted ${gate.accepted}`);
    } finally {
      await receiver.shutdown();
      await spanmetrics.shutdown();
      await host.cleanup();
    }
  });
});
