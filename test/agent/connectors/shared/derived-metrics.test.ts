/**
 * The running totals behind spanmetrics/logmetrics: when series are written
 * (changed, resend, never twice at one time), the start-time zero, expiry
 * as staleness, the overflow series, and refusals counted.
 */
import assert from 'node:assert/strict';
import { DerivedMetrics } from '../../../../agent/connectors/shared/derived-metrics';
import { Flusher } from '../../../../agent/connectors/shared/flusher';
import { counterValue, testHost } from '../../../helpers/test-host';
import { RecordingAppender } from '../recording-appender';

const META = { type: 'counter' as const, help: 'h', unit: '' };

function setup(opts: Partial<{ resendIntervalMs: number; expirationMs: number; cardinalityLimit: number }> = {}) {
  const m = new DerivedMetrics({ resendIntervalMs: 10_000, expirationMs: 0, cardinalityLimit: 0, ...opts });
  const out = new RecordingAppender();
  return { m, out, c: m.counter('x_total', META) };
}

describe('derived metrics', () => {
  it('writes a zero at creation, then the value at each flush where it changed, strictly later each time', () => {
    const { m, out, c } = setup();
    c.create('k', { a: '1' }, 1000).add(2, 1000);
    m.flush(out, 1000); // same millisecond as creation
    c.get('k')!.add(1, 1000);
    m.flush(out, 1000);
    m.flush(out, 1500); // unchanged, before resend: nothing
    assert.deepEqual(out.samples.map((s) => [s.t, s.v]), [[1000, 0], [1001, 2], [1002, 3]]);
    assert.deepEqual(out.samples[0].labels, { a: '1', __name__: 'x_total' });
    assert.deepEqual(out.metadata.get('x_total'), META);
  });

  it('rewrites unchanged series every resend interval', () => {
    const { m, out, c } = setup({ resendIntervalMs: 5000 });
    c.create('k', {}, 0).add(1, 0);
    for (const t of [1000, 4000, 6000, 9000, 11_000]) m.flush(out, t);
    assert.deepEqual(out.samples.map((s) => s.t), [0, 1000, 6000, 11_000]);
  });

  it('marks series stale and forgets them after metrics_expiration without changes', () => {
    const { m, out } = setup({ expirationMs: 60_000 });
    const h = m.histogram('d_seconds', { type: 'histogram', help: '', unit: 'seconds' }, [0.1, 1], String);
    h.create('k', { s: 'a' }, 0).observe(0.5, 0);
    m.flush(out, 1000);
    assert.equal(m.size, 1);
    m.flush(out, 60_000);
    assert.equal(m.size, 0);
    assert.deepEqual(out.stale.map((s) => [s.labels.__name__, s.labels.le ?? '', s.t]), [
      ['d_seconds_bucket', '0.1', 60_000], ['d_seconds_bucket', '1', 60_000], ['d_seconds_bucket', '+Inf', 60_000],
      ['d_seconds_sum', '', 60_000], ['d_seconds_count', '', 60_000],
    ]);
    // a new item later starts a new series from zero
    h.create('k', { s: 'a' }, 70_000).observe(2, 70_000);
    out.clear();
    m.flush(out, 71_000);
    assert.deepEqual(out.of('d_seconds_count').map((s) => [s.t, s.v]), [[70_000, 0], [71_000, 1]]);
  });

  it('puts observations in the right bucket (le is inclusive) and keeps _sum', () => {
    const { m, out } = setup();
    const h = m.histogram('d', { type: 'histogram', help: '', unit: '' }, [1, 2], String);
    const e = h.create('k', {}, 0);
    for (const v of [0.5, 1, 1.5, 2, 3]) e.observe(v, 0);
    m.flush(out, 10);
    const last = (le: string) => out.last('d_bucket', { le });
    assert.deepEqual([last('1'), last('2'), last('+Inf')], [2, 4, 5]);
    assert.equal(out.last('d_sum'), 8);
    assert.equal(out.last('d_count'), 5);
  });

  it('sends label sets beyond the cardinality limit to one overflow series, reported once', () => {
    const { m, out, c } = setup({ cardinalityLimit: 1 });
    c.create('a', { k: 'a' }, 0).add(1, 0);
    c.create('b', { k: 'b' }, 0).add(1, 0);
    c.create('c', { k: 'c' }, 0).add(1, 0);
    m.flush(out, 5);
    assert.deepEqual(out.seriesOf('x_total').map((l) => l.k ?? l.otel_metric_overflow), ['a', 'true']);
    assert.equal(out.last('x_total', { otel_metric_overflow: 'true' }), 2);
    assert.deepEqual(m.newlyOverflowed(), ['x_total']);
    c.create('d', { k: 'd' }, 0).add(1, 0);
    assert.deepEqual(m.newlyOverflowed(), []);
  });

  it('counts samples the store refuses on lookout_connector_refused_samples', async () => {
    const host = testHost();
    const { m, out, c } = setup();
    out.refuse = (l) => l.k === 'no';
    const f = new Flusher('test', m, out, 0, () => 100);
    f.start(host.meter, host.logger);
    c.create('no', { k: 'no' }, 0).add(1, 0);
    c.create('yes', { k: 'yes' }, 0).add(1, 0);
    f.afterBatch();
    assert.equal(await counterValue(host, 'lookout_connector_refused_samples', { connector: 'test' }), 2);
    assert.equal(await counterValue(host, 'lookout_connector_series', { connector: 'test' }), 2);
    f.stop();
    await host.cleanup();
  });

  it('lets several connectors share the self-metric instruments of one meter', async () => {
    const host = testHost();
    const a = setup();
    const b = setup();
    const fa = new Flusher('spanmetrics', a.m, a.out, 0, () => 1);
    const fb = new Flusher('logmetrics', b.m, b.out, 0, () => 1);
    fa.start(host.meter, host.logger);
    fb.start(host.meter, host.logger);
    a.c.create('1', {}, 0).add(1, 0);
    b.c.create('1', {}, 0).add(1, 0);
    b.c.create('2', { x: 'y' }, 0).add(1, 0);
    assert.equal(await counterValue(host, 'lookout_connector_series', { connector: 'spanmetrics' }), 1);
    assert.equal(await counterValue(host, 'lookout_connector_series', { connector: 'logmetrics' }), 2);
    fa.stop();
    fb.stop();
    await host.cleanup();
  });
});
