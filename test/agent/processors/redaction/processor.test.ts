import assert from 'node:assert/strict';
import type { SignalData } from '../../../../agent/otlp/model';
import { redactionProcessorFactory } from '../../../../agent/processors/redaction';
import { processorFactories } from '../../../../agent/processors';
import { redactingAlertSink, redactingAppender } from '../../../../agent/processors/redaction/alert-sink';
import type { RedactionProcessor } from '../../../../agent/processors/redaction/processor';
import type { PostableAlert } from '../../../../agent/alerting/types';
import pino from 'pino';
import { testHost, counterValue, capturingLogger, RecordingConsumer } from '../../../helpers/test-host';

const s = (v: string) => ({ stringValue: v });

function traces(): SignalData['traces'] {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: s('shop') }, { key: 'db.url', value: s('mysql://u:resPw1234@h/db') }] },
      scopeSpans: [{
        scope: { name: 'lib', attributes: [{ key: 'scope.secret', value: s('x') }] },
        spans: [{
          traceId: new Uint8Array(16), spanId: new Uint8Array(8), name: 'GET /x?token=spanTok123', startTimeUnixNano: 1, endTimeUnixNano: 2,
          attributes: [{ key: 'http.request.header.authorization', value: { arrayValue: { values: [s('Bearer abc')] } } }, { key: 'http.route', value: s('/x') }],
          status: { code: 2, message: 'failed with password=statusPw' },
          events: [{ name: 'exception', attributes: [{ key: 'exception.message', value: s('connect postgres://a:evPw99999@db/x') }] }],
          links: [{ attributes: [{ key: 'note', value: s('api_key=linkKey123') }] }],
        }],
      }],
    }],
  };
}

function create(cfg: Record<string, unknown> = {}, next = new RecordingConsumer()) {
  const config = redactionProcessorFactory.configSchema.parse(cfg);
  const proc = redactionProcessorFactory.create({ id: 'redaction', baseDir: '.', logger: pino({ level: 'silent' }) }, config, next) as RedactionProcessor;
  return { proc, next };
}

describe('redaction: processor', () => {
  it('is registered in processorFactories as a mutating processor for every signal', () => {
    const f = processorFactories.find((x) => x.type === 'redaction');
    assert.equal(f, redactionProcessorFactory);
    assert.equal(f!.mutatesData, true);
    assert.deepEqual([...f!.signals], ['traces', 'metrics', 'logs']);
  });

  it('redacts every place in a span and hands the request on', async () => {
    const { proc, next } = create();
    const host = testHost();
    await proc.start(host);
    await proc.consume('traces', traces());
    const got = next.received[0].data as SignalData['traces'];
    const json = JSON.stringify(got);
    for (const secret of ['resPw1234', 'spanTok123', 'Bearer abc', 'statusPw', 'evPw99999', 'linkKey123']) assert.ok(!json.includes(secret), secret);
    const span = got.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(span.name, 'GET /x?token=****');
    assert.equal(span.attributes![1].value!.stringValue, '/x');
    assert.equal(await counterValue(host, 'lookout_redaction_redacted_total', { signal: 'traces', pattern: 'blocked_key' }), 2);
    assert.equal(await counterValue(host, 'lookout_redaction_redacted_total', { signal: 'traces', pattern: 'url_userinfo' }), 2);
    assert.equal(await counterValue(host, 'lookout_redaction_redacted_total', { signal: 'traces', pattern: 'secret_assignment' }), 3);
    await host.cleanup();
  });

  it('redacts log bodies and metric data point attributes and exemplars', async () => {
    const { proc, next } = create();
    await proc.consume('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: s('login password=logPw123'), attributes: [{ key: 'cookie', value: s('a=b') }] }] }] }] });
    await proc.consume('metrics', {
      resourceMetrics: [{
        scopeMetrics: [{
          metrics: [{ name: 'm', sum: { dataPoints: [{ attributes: [{ key: 'url', value: s('https://u:mPw12345@h/') }], exemplars: [{ filteredAttributes: [{ key: 'q', value: s('token=exTok999') }] }] }] } }],
        }],
      }],
    });
    const json = JSON.stringify(next.received.map((r) => r.data));
    for (const secret of ['logPw123', 'a=b', 'mPw12345', 'exTok999']) assert.ok(!json.includes(secret), secret);
  });

  it('logs at most one line a minute per pattern and signal, naming the key, never the value', async () => {
    const lines: Record<string, unknown>[] = [];
    const { proc } = create();
    const host = testHost({ logger: capturingLogger(lines) });
    await proc.start(host);
    for (let i = 0; i < 50; i++) {
      await proc.consume('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: s(`retry ${i} password=rateLim1t${i}`) }] }] }] });
    }
    const warned = lines.filter((l) => l.msg === 'secret redacted from telemetry');
    assert.equal(warned.length, 1);
    assert.equal(warned[0].pattern, 'secret_assignment');
    assert.equal(warned[0].signal, 'logs');
    assert.ok(!JSON.stringify(lines).includes('rateLim1t'), 'no secret in the log');
    assert.equal(await counterValue(host, 'lookout_redaction_redacted_total', { signal: 'logs', pattern: 'secret_assignment' }), 50);
    assert.equal(await counterValue(host, 'lookout_redaction_redacted_total', { signal: 'logs', pattern: 'jwt' }), 0, 'exported at 0');
    await host.cleanup();
  });

  it('max_value_length: a longer value is cut (then scanned), marked and counted as truncated', async () => {
    const { proc, next } = create({ max_value_length: 1024 });
    const host = testHost();
    await proc.start(host);
    const long = `password=headSecret1 ${'x'.repeat(3000)} password=tailSecret2`;
    await proc.consume('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: s(long) }] }] }] });
    const body = next.of('logs')[0].resourceLogs[0].scopeLogs[0].logRecords[0].body!.stringValue!;
    assert.ok(body.startsWith('password=**** xxx'));
    assert.ok(body.endsWith('…[truncated by redaction]'));
    assert.ok(body.length < 1100);
    assert.ok(!body.includes('tailSecret2') && !body.includes('headSecret1'));
    assert.equal(await counterValue(host, 'lookout_redaction_redacted_total', { signal: 'logs', pattern: 'truncated' }), 1);
    await host.cleanup();
  });

  it('gives the event loop turns while redacting a large request', async () => {
    const { proc, next } = create();
    const records = Array.from({ length: 30_000 }, (_, i) => ({ body: s(`user ${i} login password=secretNo${i} from postgres://u:pw${i}xyz@db/x`) }));
    let turns = 0;
    let running = true;
    const tick = () => { if (!running) return; turns++; setImmediate(tick); };
    setImmediate(tick);
    const started = performance.now();
    await proc.consume('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: records }] }] });
    const ms = performance.now() - started;
    running = false;
    assert.ok(ms > 30, `the request took ${ms.toFixed(0)} ms: too small to test slicing`);
    assert.ok(turns >= 2, `${turns} event-loop turns during ${ms.toFixed(0)} ms`);
    assert.ok(!JSON.stringify(next.received[0].data).includes('secretNo'));
  });

  it('enabled: false passes data through unchanged', async () => {
    const { proc, next } = create({ enabled: false });
    await proc.consume('traces', traces());
    assert.ok(JSON.stringify(next.received[0].data).includes('spanTok123'));
  });

  it('the alert sink adapter redacts labels and annotations; alerts: false turns it off', () => {
    const sent: PostableAlert[][] = [];
    const { proc } = create();
    const sink = redactingAlertSink({ send: (a) => sent.push(a) }, proc);
    const clean: PostableAlert = { labels: { alertname: 'A' }, annotations: {}, startsAt: 'now' };
    sink.send([clean, { labels: { alertname: 'B', token: 'secret' }, annotations: { summary: 'see https://u:alPw1234@h/' }, startsAt: 'now' }]);
    assert.equal(sent[0][0], clean, 'a clean alert is passed as is');
    assert.deepEqual(sent[0][1].labels, { alertname: 'B', token: '****' });
    assert.equal(sent[0][1].annotations.summary, 'see https://u:****@h/');
    const off = create({ alerts: false }).proc;
    const sent2: PostableAlert[][] = [];
    redactingAlertSink({ send: (a) => sent2.push(a) }, off).send([{ labels: { token: 'secret' }, annotations: {}, startsAt: 'now' }]);
    assert.equal(sent2[0][0].labels.token, 'secret');
  });

  it('the appender adapter redacts rule-written series labels', () => {
    const { proc } = create();
    const appended: Record<string, string>[] = [];
    const app = redactingAppender({ append: (l) => { appended.push(l); return true; }, markStale: () => undefined, setMetadata: () => undefined }, proc);
    app.append({ __name__: 'ALERTS', dsn: 'pg://u:apPw12345@h/' }, 1, 1);
    assert.equal(appended[0].dsn, 'pg://u:****@h/');
  });
});
