import assert from 'node:assert/strict';
import { applyCompletion, completionContext, filterCandidates } from '../../../agent/ui/lib/complete';

const at = (textWithCursor: string) => {
  const cursor = textWithCursor.indexOf('|');
  return completionContext(textWithCursor.replace('|', ''), cursor);
};

describe('ui/complete', () => {
  it('knows whether the cursor is on a metric, a label name, or neither', () => {
    assert.deepEqual(at('rate(traces_sp|'), { kind: 'metric', prefix: 'traces_sp', from: 5, to: 14 });
    assert.equal(at('up{serv|').kind, 'label');
    assert.equal(at('up{a="x", serv|').kind, 'label');
    assert.equal(at('up{a=|').kind, 'none', 'a value, not a name');
    assert.deepEqual(at('up{job="de|"}'), { kind: 'value', label: 'job', prefix: 'de', from: 8, to: 10, unclosed: false });
    assert.deepEqual(at('up{a="x", job=~"|'), { kind: 'value', label: 'job', prefix: '', from: 16, to: 16, unclosed: true });
    assert.equal(at('label_replace(up, "dst", "$1|', ).kind, 'none', 'a string outside braces');
    assert.equal(at('up{a="{", b|').kind, 'label', 'braces inside strings do not count');
    assert.equal(at('sum by (serv|').kind, 'label');
    assert.equal(at('sum without (a, b|').kind, 'label');
    assert.equal(at('x / on(inst|').kind, 'label');
    assert.equal(at('sum(ra|').kind, 'metric', 'a plain call is not a grouping');
    assert.equal(at('rate(x[5|').kind, 'none', 'a duration');
    assert.equal(at('x > 0.|').kind, 'none');
    assert.deepEqual(at('rate(tra|ces)'), { kind: 'metric', prefix: 'tra', from: 5, to: 11 }, 'the whole word is replaced');
  });

  it('offers prefix matches first (shortest first), then substring matches, case-insensitive', () => {
    const names = ['traces_span_metrics_calls_total', 'traces_span_metrics_duration_seconds_bucket', 'up', 'my_traces_total', 'rate', 'TRACES_X'];
    assert.deepEqual(filterCandidates(names, 'traces'), ['TRACES_X', 'traces_span_metrics_calls_total', 'traces_span_metrics_duration_seconds_bucket', 'my_traces_total']);
    assert.deepEqual(filterCandidates(names, 'calls'), ['traces_span_metrics_calls_total']);
    assert.deepEqual(filterCandidates(names, ''), [], 'nothing typed: nothing offered');
    assert.deepEqual(filterCandidates(names, 'up'), [], 'an exact match needs no completion');
    assert.equal(filterCandidates(Array.from({ length: 100 }, (_, i) => `m${i}`), 'm', 5).length, 5);
    assert.deepEqual(filterCandidates(['b', 'a', 'a'], '', 5, true), ['a', 'b'], 'label values: all of them before typing');
  });

  it('replaces the partial word; functions get their parenthesis', () => {
    const text = 'sum(rate(traces_sp[1m]))';
    const ctx = completionContext(text, 18);
    assert.deepEqual(applyCompletion(text, ctx, 'traces_span_metrics_calls_total'), { text: 'sum(rate(traces_span_metrics_calls_total[1m]))', cursor: 40 });
    const f = completionContext('histogram_q', 11);
    assert.deepEqual(applyCompletion('histogram_q', f, 'histogram_quantile', true), { text: 'histogram_quantile(', cursor: 19 });
    const g = completionContext('ra(x)', 2);
    assert.deepEqual(applyCompletion('ra(x)', g, 'rate', true), { text: 'rate(x)', cursor: 4 }, 'no second parenthesis');
    const v = completionContext('up{job="de"}', 10);
    assert.deepEqual(applyCompletion('up{job="de"}', v, 'demo "app"'), { text: 'up{job="demo \\"app\\""}', cursor: 21 }, 'escaped, cursor after the closing quote');
    const open = completionContext('up{job="', 8);
    assert.deepEqual(applyCompletion('up{job="', open, 'demo'), { text: 'up{job="demo"', cursor: 13 });
  });
});
