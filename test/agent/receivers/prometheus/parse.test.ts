import assert from 'node:assert/strict';
import { formatOf, newParseOutput, parseExposition, type ExpositionFormat, type ParseOutput } from '../../../../agent/receivers/prometheus/parse';

function parse(text: string, format: ExpositionFormat = 'text'): ParseOutput {
  const out = newParseOutput();
  const gen = parseExposition(text, format, out, 2);
  while (!gen.next().done) { /* slices */ }
  return out;
}

describe('receivers.prometheus exposition parser', () => {
  it('parses the text format: escapes, Inf/NaN, timestamps in ms, metadata, comments', () => {
    const out = parse([
      '# HELP http_requests_total Requests \\\\ total.',
      '# TYPE http_requests_total counter',
      '# a free comment',
      'http_requests_total{method="post",code="200",path="a\\"b\\\\c\\nd"} 1027 1395066363000',
      '  http_requests_total{method="get",} +Inf',
      'temp NaN',
      'neg -1.5e3',
      '',
    ].join('\n'));
    assert.equal(out.samples.length, 4);
    assert.deepEqual(out.samples[0], { labels: { __name__: 'http_requests_total', method: 'post', code: '200', path: 'a"b\\c\nd' }, value: 1027, timestampMs: 1395066363000 });
    assert.equal(out.samples[1].value, Infinity);
    assert.ok(Number.isNaN(out.samples[2].value));
    assert.equal(out.samples[3].value, -1500);
    assert.deepEqual(out.metadata.get('http_requests_total'), { type: 'counter', help: 'Requests \\ total.', unit: '' });
  });

  it('parses OpenMetrics: # EOF, _created lines, exemplars, timestamps in seconds, UNIT', () => {
    const out = parse([
      '# TYPE foo counter',
      '# UNIT foo seconds',
      '# HELP foo Foo.',
      'foo_total{a="1"} 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67 1520879606.0',
      'foo_created{a="1"} 1520430000.123',
      '# EOF',
    ].join('\n'), 'openmetrics');
    assert.deepEqual(out.samples.map((s) => [s.labels.__name__, s.value, s.timestampMs]), [['foo_total', 17, 1520879607789], ['foo_created', 1520430000.123, undefined]]);
    assert.equal(out.exemplars, 1);
    assert.deepEqual(out.metadata.get('foo'), { type: 'counter', help: 'Foo.', unit: 'seconds' });
  });

  it('refuses broken input with the line number', () => {
    const bad: [string, ExpositionFormat, RegExp][] = [
      ['ok 1\n# EOF extra', 'openmetrics', /data does not end with # EOF|invalid comment/],
      ['ok 1\n', 'openmetrics', /line 1: data does not end with # EOF/],
      ['ok 1\n# EOF\nmore 2\n', 'openmetrics', /line 3: unexpected data after # EOF/],
      ['a{b="c} 1', 'text', /line 1: unterminated value of label b/],
      ['a{b="c",b="d"} 1', 'text', /duplicate label b/],
      ['a{0b="c"} 1', 'text', /invalid label name/],
      ['a 1 2 3', 'text', /expected a value and an optional timestamp/],
      ['a one', 'text', /invalid value "one"/],
      ['a 1 1.5', 'text', /invalid timestamp/],
      ['# TYPE a bogus', 'text', /invalid metric type/],
      ['a{b="\\x"} 1', 'text', /invalid escape/],
    ];
    for (const [text, format, re] of bad) assert.throws(() => parse(text, format), re, text);
  });

  it('picks the parser by Content-Type as Prometheus does', () => {
    assert.equal(formatOf('application/openmetrics-text; version=1.0.0; charset=utf-8'), 'openmetrics');
    assert.equal(formatOf('text/plain; version=0.0.4'), 'text');
    assert.equal(formatOf(undefined), 'text');
  });

  it('yields between slices of a large body', () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `m{i="${i}"} ${i}`).join('\n');
    const out = newParseOutput();
    const gen = parseExposition(text, 'text', out, 1000);
    let yields = 0;
    while (!gen.next().done) yields++;
    assert.equal(yields, 10);
    assert.equal(out.samples.length, 10_000);
  });
});
