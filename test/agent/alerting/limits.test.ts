/**
 * alerting.limits: Alertmanager's --silences.max-silences and
 * --silences.max-silence-size-bytes, and max_alerts for what rule
 * evaluation and POST /api/v1/alerts/test make the notifier keep. Over the
 * limit: 4xx with Alertmanager's wording, a counter, one log line per minute.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { ConfigError } from '../../../agent/config/load';
import { capturingLogger, counterValue, testHost } from '../../helpers/test-host';
import { alert, alertingConfig, startApiServer, startNotifier, type ApiServer, type Harness } from './harness';

const CONFIG = `route:
  receiver: default
  group_wait: 1h
receivers:
  - name: default
limits:
  max_silences: 3
  max_silence_size_bytes: 600
  max_alerts: 5`;

describe('alerting.limits (silences and alerts)', () => {
  let h: Harness;
  let api: ApiServer;
  let lines: Record<string, unknown>[];

  beforeEach(async () => {
    lines = [];
    h = await startNotifier(CONFIG, { host: testHost({ logger: capturingLogger(lines) }) });
    api = await startApiServer(h.notifier);
  });
  afterEach(async () => {
    await api.close();
    await h.notifier.shutdown();
    await h.host.cleanup();
  });

  const iso = (ms: number) => new Date(ms).toISOString();
  const json = (method: string, p: string, body?: unknown) => api.json(method, p, body);
  const silence = (value: string, extra: Record<string, unknown> = {}) => ({
    matchers: [{ name: 'job', value, isRegex: false }], startsAt: iso(h.clock.t), endsAt: iso(h.clock.t + 3600_000), createdBy: 'sre', comment: 'c', ...extra,
  });
  const warnings = (reason: string) => lines.filter((l) => l.reason === reason && l.level === 40);

  it('refuses the silence beyond max_silences with Alertmanager\'s message; expiring one makes room', async () => {
    const ids: string[] = [];
    for (const v of ['a', 'b', 'c']) {
      const r = await json('POST', '/api/v2/silences', silence(v));
      assert.equal(r.status, 200);
      ids.push(r.body.silenceID);
    }
    for (let i = 0; i < 5; i++) {
      const r = await json('POST', '/api/v2/silences', silence('d'));
      assert.equal(r.status, 400);
      assert.equal(r.body, 'exceeded maximum number of silences: 3 (limit: 3)');
    }
    assert.equal(await counterValue(h.host, 'lookout_silences_refused_total', { reason: 'max_silences' }), 5);
    assert.equal(warnings('max_silences').length, 1, 'one log line per minute, not one per refusal');
    h.clock.advance(61_000);
    await json('POST', '/api/v2/silences', silence('d'));
    assert.equal(warnings('max_silences').length, 2);
    assert.equal(warnings('max_silences')[1].suppressedSinceLastLine, 4);

    assert.equal((await json('DELETE', `/api/v2/silence/${ids[0]}`)).status, 200);
    const r = await json('POST', '/api/v2/silences', silence('d'));
    assert.equal(r.status, 200);
    // The expired one was evicted to keep the total (expired included) within the limit.
    const list = await json('GET', '/api/v2/silences');
    assert.equal(list.body.length, 3);
    assert.ok(!list.body.some((s: { id: string }) => s.id === ids[0]));
  });

  it('a refused replacement leaves the silence it would have replaced untouched', async () => {
    const ids: string[] = [];
    for (const v of ['a', 'b', 'c']) ids.push((await json('POST', '/api/v2/silences', silence(v))).body.silenceID);
    // Changing matchers replaces (expire + create): allowed at the limit, the count stays 3.
    const replaced = await json('POST', '/api/v2/silences', { ...silence('z'), id: ids[0] });
    assert.equal(replaced.status, 200);
    // It was expired, then evicted at once: the total, expired included, stays within max_silences.
    assert.equal((await json('GET', `/api/v2/silence/${ids[0]}`)).status, 404);
    assert.equal((await json('GET', '/api/v2/silences')).body.length, 3);
    // Too big: refused before anything changes.
    const big = await json('POST', '/api/v2/silences', { ...silence('y'), id: ids[1], comment: 'x'.repeat(700) });
    assert.equal(big.status, 400);
    assert.match(big.body, /^silence exceeded maximum size: \d+ bytes \(limit: 600 bytes\)$/);
    assert.equal((await json('GET', `/api/v2/silence/${ids[1]}`)).body.status.state, 'active');
    assert.equal(await counterValue(h.host, 'lookout_silences_refused_total', { reason: 'max_silence_size_bytes' }), 1);
    assert.equal(warnings('max_silence_size_bytes').length, 1);
  });

  it('keeps at most max_alerts alerts: new ones are refused and counted, known ones still update', async () => {
    h.notifier.send([1, 2, 3, 4, 5, 6, 7].map((i) => alert({ alertname: 'A', i: String(i) }, h.clock)));
    const stored = h.notifier.listAlerts();
    assert.equal(stored.length, 5);
    assert.equal(await counterValue(h.host, 'lookout_alerts_refused_total', { source: 'rules' }), 2);
    assert.equal(warnings('max_alerts').length, 1);
    // A known alert still resolves (losing a resolution would page forever).
    const t0 = h.clock.t;
    h.clock.advance(1000);
    h.notifier.send([alert({ alertname: 'A', i: '1' }, h.clock, { startsAt: iso(t0), endsAt: iso(t0 + 500) })]);
    assert.equal(h.notifier.listAlerts().length, 4);

    const test = await json('POST', '/api/v1/alerts/test', { labels: { team: 'x' } });
    assert.equal(test.status, 429);
    assert.deepEqual(test.body, { status: 'error', error: 'exceeded maximum number of alerts: 5 (limit: 5)' });
    assert.equal(await counterValue(h.host, 'lookout_alerts_refused_total', { source: 'api' }), 1);
  });

  it('amtool silence add shows the refusal', async function () {
    if (spawnSync('amtool', ['--version']).status !== 0) this.skip();
    for (const v of ['a', 'b', 'c']) await json('POST', '/api/v2/silences', silence(v));
    // Asynchronously: the API answering amtool runs in this process.
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile('amtool', [`--alertmanager.url=${api.base}`, 'silence', 'add', 'job=d', '--comment=x', '--author=sre', '--duration=1h'],
        { timeout: 30_000 }, (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr }));
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /exceeded maximum number of silences: 3 \(limit: 3\)/);
  });
});

describe('alerting.limits config', () => {
  it('defaults: 1000 silences of up to 8 KiB, 10 000 alerts', () => {
    assert.deepEqual(alertingConfig('receivers: []').limits, { max_silences: 1000, max_silence_size_bytes: 8192, max_alerts: 10_000 });
  });
  it('refuses negative and unknown keys with the key path', () => {
    try {
      alertingConfig('limits: {max_silences: -1, max_slience_size: 3}');
      assert.fail('should not load');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const problems = err.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
      assert.match(problems, /^alerting\.limits\.max_silences: /m);
      assert.match(problems, /alerting\.limits.*max_slience_size/);
    }
  });
});
