/**
 * End to end, redaction on by default: a corpus of realistic leaks is sent
 * by the real OTel SDK (traces, logs and metrics over OTLP/HTTP protobuf) to
 * a real `lookout run` with no redaction config at all. No secret reaches
 * the upstream sink, the local store's series (ingested data, spanmetrics,
 * ALERTS), or the webhook of an alert whose labels and annotations carry
 * leaked text; the look-alikes arrive unchanged.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { startAgent, type AgentProcess } from '../helpers/agent-process';
import { OtlpSink } from '../helpers/otlp-sink';
import { waitFor } from '../helpers/wait';
import { toOtlpJsonObject } from '../../agent/otlp/codec';
import { countLogRecords, countSpans } from '../../agent/otlp/count';
import type { KeyValue, Signal } from '../../agent/otlp/model';
import { LEAKS, LOOKALIKES } from '../agent/processors/redaction/corpus';

/** Secrets that only the alert path (rule labels and annotations) carries. */
const ALERT_SECRETS = ['alertPw55', 'ghp_AlertLabelTok3n0123456789abcdefghijk', 'alertB3arer0123456789', 'alertRunbookPw'];
const ALL_SECRETS = [...LEAKS.flatMap((l) => l.secrets), ...ALERT_SECRETS];

const RULES = `
groups:
- name: leaks
  rules:
  - alert: LeakedCredential
    expr: max by (url, query, api_token) ({__name__=~"leak_requests.*"})
    labels:
      severity: page
      dsn: "postgres://admin:alertPw55@db:5432/app"
      token: ghp_AlertLabelTok3n0123456789abcdefghijk
    annotations:
      summary: "Upstream call failed with Authorization: Bearer alertB3arer0123456789 for {{ $labels.url }}"
      runbook: "https://ops:alertRunbookPw@wiki.internal/runbook"
`;

/** Every string inside a value (objects, arrays), unescaped. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) for (const x of Object.values(v)) strings(x, out);
  return out;
}

function leaked(haystack: string[]): string[] {
  return ALL_SECRETS.filter((s) => haystack.some((h) => h.includes(s)));
}

async function webhookRecorder(): Promise<{ url: string; bodies: unknown[]; close(): void }> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, close: () => { server.closeAllConnections(); server.close(); } };
}

function attr(value: string | string[]): Attributes[string] {
  return value;
}

describe('e2e: redaction on by default (real OTel SDK -> lookout -> sink, store, webhook)', function () {
  this.timeout(90_000);
  let agent: AgentProcess;
  let sink: OtlpSink;
  let hook: Awaited<ReturnType<typeof webhookRecorder>>;
  let spansSent = 0;
  let logsSent = 0;

  before(async () => {
    sink = await new OtlpSink().start();
    hook = await webhookRecorder();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-redaction-'));
    const rulesFile = path.join(dir, 'leaks.rules.yaml');
    writeFileSync(rulesFile, RULES);
    agent = await startAgent({
      exporters: { otlp: { endpoint: sink.url, batch: { timeout: '50ms' } } },
      rules: { files: [rulesFile], evaluation_interval: '1s', default_pack: { enabled: false } },
      alerting: {
        route: { receiver: 'hook', group_by: ['alertname'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [{ name: 'hook', webhook_configs: [{ url: `${hook.url}/hook` }] }],
      },
    });

    const resourceLeak = LEAKS.find((l) => l.where === 'resource')!;
    const resource = resourceFromAttributes({ 'service.name': 'leaky-shop', [resourceLeak.key!]: resourceLeak.value as string });
    const traces = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${agent.otlpUrl}/v1/traces` }), { maxExportBatchSize: 1000, scheduledDelayMillis: 60_000 })] });
    const logs = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${agent.otlpUrl}/v1/logs` }), maxExportBatchSize: 1000, scheduledDelayMillis: 60_000 })] });
    const meters = new MeterProvider({
      resource,
      readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${agent.otlpUrl}/v1/metrics` }), exportIntervalMillis: 500 })],
    });
    const tracer = traces.getTracer('redaction-e2e');
    const logger = logs.getLogger('redaction-e2e');

    for (const leak of LEAKS) {
      const v = leak.value;
      switch (leak.where) {
        case 'span.attr': tracer.startSpan('leaky operation', { attributes: { [leak.key!]: attr(v) } }).end(); spansSent++; break;
        case 'span.name': tracer.startSpan(v as string, { attributes: { 'http.route': v as string } }).end(); spansSent++; break;
        case 'span.status': {
          const span = tracer.startSpan('status leak');
          span.setStatus({ code: SpanStatusCode.ERROR, message: v as string });
          span.end();
          spansSent++;
          break;
        }
        case 'exception': {
          const span = tracer.startSpan('exception leak');
          span.recordException(new Error(v as string));
          span.end();
          spansSent++;
          break;
        }
        case 'log.body': logger.emit({ body: v as string, severityText: 'ERROR', severityNumber: 17 }); logsSent++; break;
        case 'log.attr': logger.emit({ body: 'request failed', attributes: { [leak.key!]: v as string } }); logsSent++; break;
        case 'log.kvbody': logger.emit({ body: { user: 'bob', [leak.key!]: v as string } }); logsSent++; break;
        default: break;
      }
    }
    const lookalikeAttrs: Attributes = {};
    for (const l of LOOKALIKES) lookalikeAttrs[l.key] = l.value;
    tracer.startSpan('lookalikes', { attributes: lookalikeAttrs }).end();
    spansSent++;
    const metricAttrs: Attributes = {};
    for (const l of LEAKS.filter((x) => x.where === 'metric.attr')) metricAttrs[l.key!] = l.value as string;
    meters.getMeter('redaction-e2e').createCounter('leak.requests').add(1, metricAttrs);

    await traces.forceFlush();
    await logs.forceFlush();
    await meters.forceFlush();
    await waitFor(() => sink.of('traces').reduce((n, r) => n + countSpans(r), 0) >= spansSent, { what: `${spansSent} spans upstream`, timeoutMs: 20_000 });
    await waitFor(() => sink.of("logs").reduce((n, r) => n + countLogRecords(r), 0) >= logsSent, { what: `${logsSent} log records upstream`, timeoutMs: 20_000 });
    await waitFor(() => sink.of('metrics').length > 0, { what: 'metrics upstream' });
    await Promise.all([traces.shutdown(), logs.shutdown(), meters.shutdown()]);
  });

  after(async () => {
    await agent?.stop();
    await sink?.stop();
    hook?.close();
  });

  function upstreamStrings(signal?: Signal): string[] {
    return sink.received.filter((r) => !signal || r.signal === signal).flatMap((r) => strings(toOtlpJsonObject(r.signal, r.data)));
  }

  it(`sends ${LEAKS.length} realistic leaks and none of their ${ALL_SECRETS.length} secrets reaches the upstream`, () => {
    assert.ok(LEAKS.length >= 50);
    const all = upstreamStrings();
    assert.deepEqual(leaked(all), []);
    // The data itself arrived, redacted: the masks are there and the surrounding text survives.
    assert.ok(all.some((s) => s === 'postgres://app_user:****@db.prod:5432/orders'), 'userinfo masked, URL kept');
    assert.ok(all.some((s) => s.includes("ALTER USER reporting WITH PASSWORD '****'")), 'SQL kept around the password');
    assert.ok(all.some((s) => s === 'GET /reset?token=****'), 'span name redacted');
  });

  it('leaves the innocent look-alikes unchanged', () => {
    const spans = sink.of('traces').flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
    const span = spans.find((s) => s.name === 'lookalikes');
    assert.ok(span, 'the look-alike span arrived');
    for (const l of LOOKALIKES) {
      const kv: KeyValue | undefined = span.attributes?.find((a) => a.key === l.key);
      assert.equal(kv?.value?.stringValue, l.value, l.key);
    }
  });

  it('keeps secrets out of the local store (ingested series, spanmetrics labels)', async () => {
    const names = await waitFor(async () => {
      const res = await (await fetch(`${agent.adminUrl}/api/v1/label/__name__/values`)).json() as { data: string[] };
      return res.data.some((n) => n.startsWith('leak_requests')) && res.data.some((n) => n.includes('span_metrics_calls')) ? res.data : undefined;
    }, { what: 'leak_requests and spanmetrics series in the store' });
    assert.ok(names.length > 0);
    const series = await (await fetch(`${agent.adminUrl}/api/v1/series?match[]=${encodeURIComponent('{__name__=~".+"}')}`)).json() as { data: Record<string, string>[] };
    const values = series.data.flatMap((s) => Object.values(s));
    assert.deepEqual(leaked(values), []);
    const leakSeries = series.data.find((s) => s.__name__.startsWith('leak_requests'));
    assert.equal(leakSeries?.url, 'https://user:****@api.example.com/x');
    assert.equal(leakSeries?.api_token, '****');
    assert.ok(values.includes('GET /reset?token=****'), 'the span name label is redacted, not dropped');
  });

  it('redacts the alert path: webhook labels and annotations, ALERTS series, alert-transition logs', async () => {
    const body = await waitFor(() => hook.bodies[0], { what: 'the webhook', timeoutMs: 30_000 }) as { alerts: { labels: Record<string, string>; annotations: Record<string, string> }[] };
    assert.deepEqual(leaked(strings(body)), []);
    const alert = body.alerts[0];
    assert.equal(alert.labels.dsn, 'postgres://admin:****@db:5432/app');
    assert.equal(alert.labels.token, '****');
    assert.equal(alert.annotations.summary, 'Upstream call failed with Authorization: Bearer **** for https://user:****@api.example.com/x');
    assert.equal(alert.labels.severity, 'page');

    await waitFor(() => upstreamStrings('logs').includes('alert LeakedCredential firing'), { what: 'the firing transition upstream' });
    assert.deepEqual(leaked(upstreamStrings('logs')), []);
    const alerts = await (await fetch(`${agent.adminUrl}/api/v1/series?match[]=ALERTS`)).json() as { data: Record<string, string>[] };
    assert.ok(alerts.data.length > 0, 'ALERTS is in the store');
    assert.deepEqual(leaked(alerts.data.flatMap((s) => Object.values(s))), []);
  });

  it('counts redactions per pattern on the admin /metrics', async () => {
    const text = await waitFor(async () => {
      const t = await (await fetch(`${agent.adminUrl}/metrics`)).text();
      return t.includes('lookout_redaction_redacted_total') && /signal="alerts"[^\n]*\} [1-9]/.test(t) ? t : undefined;
    }, { what: 'redaction counters' });
    for (const pattern of ['authorization', 'url_userinfo', 'secret_assignment', 'jwt', 'aws_access_key', 'private_key', 'api_token', 'credit_card', 'blocked_key']) {
      const line = text.split('\n').find((l) => l.startsWith('lookout_redaction_redacted_total') && l.includes(`pattern="${pattern}"`) && !l.endsWith(' 0'));
      assert.ok(line, `a non-zero counter for ${pattern}`);
    }
    // Rule-file literals are logged by the rule manager itself (outside this processor); telemetry secrets never are.
    const fromTelemetry = LEAKS.flatMap((l) => l.secrets).filter((s) => agent.output().includes(s));
    assert.deepEqual(fromTelemetry, [], 'the agent log names keys and patterns, never secrets');
  });
});
