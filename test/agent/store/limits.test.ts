/**
 * The store's byte and shape limits (issue 8, items 3 and 5): label count and
 * length, label bytes, per-source series budgets with a reserve for the
 * agent's own series, new series per request, and samples from the future.
 */
import assert from 'node:assert/strict';
import { MemoryStore } from '../../../agent/store/memory-store';
import { truncateLabelValue, TRUNCATION_MARK } from '../../../agent/store/label-limits';

const NAME = (v: string) => ({ name: '__name__', type: '=' as const, value: v });

describe('store/limits', () => {
  it('a sample stamped in 2200 is refused and later real samples of the series are kept', () => {
    const now = Date.UTC(2026, 0, 1);
    const s = new MemoryStore({ now: () => now });
    const labels = { __name__: 'temp', job: 'app' };
    assert.equal(s.append(labels, Date.UTC(2200, 0, 1), 1), false);
    assert.equal(s.stats().refusedSamples.too_far_in_future, 1);
    assert.equal(s.append(labels, now - 1000, 2), true, 'a real sample after the bad one must not be out of order');
    assert.equal(s.append(labels, now + 5 * 60_000, 3), true, 'five minutes ahead is within the 10m default');
    assert.equal(s.stats().refusedSamples.out_of_order, 0);
  });

  it('600 distinct 64 KB label values are truncated: label text stays bounded', () => {
    const s = new MemoryStore();
    const long = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 600; i++) s.append({ __name__: 'calls', span_name: `${i}-${long}` }, 1000, 1);
    const st = s.stats();
    assert.equal(st.series, 600);
    assert.equal(st.truncatedLabelValues, 600);
    assert.ok(st.labelBytes < 600 * 2048 * 2 + 10_000, `label bytes ${st.labelBytes}`);
    const [one] = s.select([NAME('calls'), { name: 'span_name', type: '=~', value: '7-x+…' }], 0, 2000);
    assert.equal(one.labels.span_name.length, 2048);
    assert.ok(one.labels.span_name.endsWith(TRUNCATION_MARK));
    // The same long series again is found under its truncated form, not refused or duplicated.
    assert.equal(s.append({ __name__: 'calls', span_name: `7-${long}` }, 2000, 2), true);
    assert.equal(s.stats().series, 600);
  });

  it('truncation never splits a surrogate pair', () => {
    const v = 'a'.repeat(8) + '😀'.repeat(4);
    const cut = truncateLabelValue(v, 10);
    assert.ok(cut.length <= 10);
    assert.equal(cut, 'a'.repeat(8) + TRUNCATION_MARK);
    assert.equal(truncateLabelValue('short', 10), 'short');
  });

  it('refuses series with too many labels or a too long label name', () => {
    const s = new MemoryStore({ labelLimits: { labelLimit: 3, labelNameLengthLimit: 10 } });
    assert.equal(s.append({ __name__: 'a', b: '1', c: '2', d: '3' }, 1, 1), false);
    assert.equal(s.append({ __name__: 'a', this_name_is_too_long: '1' }, 1, 1), false);
    assert.equal(s.append({ __name__: 'a', b: '1', c: '2' }, 1, 1), true);
    const r = s.stats().refusedSamples;
    assert.equal(r.label_limit, 1);
    assert.equal(r.label_name_length, 1);
  });

  it('new series are refused while label text is over max_label_bytes', () => {
    const s = new MemoryStore({ maxLabelBytes: 1000 });
    let created = 0;
    for (let i = 0; i < 100; i++) if (s.append({ __name__: 'm', v: `${i}`.padEnd(100, '.') }, 1, 1)) created++;
    assert.ok(created < 10, `created ${created}`);
    assert.ok(s.stats().refusedSamples.label_bytes_limit > 0);
  });

  it('one sender flooding its budget leaves the reserve for the agent\'s own series (ALERTS, span metrics)', () => {
    const s = new MemoryStore({ maxSeries: 100, reservedSeries: 20 });
    const app = s.budgetedAppender('otlp_metrics');
    let accepted = 0;
    for (let i = 0; i < 1000; i++) if (app.append({ __name__: 'flood', i: String(i) }, 1, 1)) accepted++;
    assert.equal(accepted, 80);
    assert.equal(s.stats().refusedSamples.source_series_limit, 920);
    for (let i = 0; i < 20; i++) assert.equal(s.append({ __name__: 'ALERTS', alertname: `A${i}` }, 1, 1), true, `ALERTS ${i} refused`);
    assert.equal(s.append({ __name__: 'ALERTS', alertname: 'one too many' }, 1, 1), false);
    // Retention frees the budget again.
    s.compact(1 + s.retentionMs + 1);
    assert.equal(app.budget.series, 0);
    assert.equal(app.append({ __name__: 'flood', i: 'again' }, s.retentionMs + 10, 1), true);
  });

  it('a budget limits new series per request, and beginRequest() starts a new count', () => {
    const s = new MemoryStore();
    const app = s.budgetedAppender('otlp_metrics', { maxNewSeriesPerRequest: 5 });
    app.beginRequest();
    let ok = 0;
    for (let i = 0; i < 10; i++) if (app.append({ __name__: 'm', i: String(i) }, 1, 1)) ok++;
    assert.equal(ok, 5);
    assert.equal(s.stats().refusedSamples.request_series_limit, 5);
    assert.equal(app.append({ __name__: 'm', i: '0' }, 2, 1), true, 'existing series are not limited');
    app.beginRequest();
    assert.equal(app.append({ __name__: 'm', i: '9' }, 2, 1), true);
  });
});

describe('store/limits: series restored from the WAL', () => {
  it('count against the budget of the first budgeted writer that appends to them, and free it when dropped', () => {
    const s = new MemoryStore({ maxSeries: 100, reservedSeries: 90 });
    for (let i = 0; i < 10; i++) assert.ok(s.restoreSeries(i + 1, { __name__: 'app', i: String(i) }));
    const app = s.budgetedAppender('otlp_metrics');
    assert.equal(app.budget.series, 0, 'nobody owns them yet');
    for (let i = 0; i < 10; i++) assert.equal(app.append({ __name__: 'app', i: String(i) }, 10, 1), true);
    assert.equal(app.budget.series, 10, 'adopted by the app budget');
    assert.equal(app.append({ __name__: 'app', i: 'new' }, 10, 1), false, 'the budget (10) is full');
    assert.equal(s.stats().refusedSamples.source_series_limit, 1);
    assert.equal(app.append({ __name__: 'app', i: '0' }, 20, 2), true, 'adopted once, not twice');
    assert.equal(app.budget.series, 10);
    s.compact(20 + s.retentionMs + 1);
    assert.equal(app.budget.series, 0);
  });

  it('a series first written by an unbudgeted writer (span metrics, rules) stays outside every budget', () => {
    const s = new MemoryStore({ maxSeries: 100, reservedSeries: 90 });
    s.restoreSeries(1, { __name__: 'traces_span_metrics_calls_total', span_name: 'GET' });
    assert.equal(s.append({ __name__: 'traces_span_metrics_calls_total', span_name: 'GET' }, 10, 1), true);
    const app = s.budgetedAppender('otlp_metrics');
    assert.equal(app.append({ __name__: 'traces_span_metrics_calls_total', span_name: 'GET' }, 20, 2), true);
    assert.equal(app.budget.series, 0);
    s.compact(20 + s.retentionMs + 1);
    assert.equal(app.budget.series, 0, 'dropping it frees no budget it never took');
  });
});

describe('store/limits: the ALERTS reserve', () => {
  it('when everything else filled the store, the rules can still write ALERTS', () => {
    const s = new MemoryStore({ maxSeries: 1000, reservedSeries: 0 });
    let n = 0;
    for (let i = 0; i < 2000; i++) if (s.append({ __name__: 'traces_span_metrics_calls_total', span_name: String(i) }, 1, 1)) n++;
    assert.equal(n, 990, '1 % of max_series is kept for ALERTS');
    for (let i = 0; i < 10; i++) assert.equal(s.append({ __name__: 'ALERTS', alertname: `A${i}`, alertstate: 'firing' }, 1, 1), true);
    assert.equal(s.append({ __name__: 'ALERTS', alertname: 'over', alertstate: 'firing' }, 1, 1), false);
  });
});
