/** Filelog parsing pieces: timestamps, entry splitting, the json and regex parsers. */
import assert from 'node:assert/strict';
import Long from 'long';
import { parseEpoch, parseStrptime, checkStrptimeLayout } from '../../../../agent/receivers/filelog/timestamp';
import { splitEntries } from '../../../../agent/receivers/filelog/splitter';
import { Operator } from '../../../../agent/receivers/filelog/operators';
import { filelogConfigSchema } from '../../../../agent/receivers/filelog/config';
import { compileRegex } from '../../../../agent/regex';
import type { LogRecord } from '../../../../agent/otlp/model';

const ns = (iso: string, extraNs = 0n) => BigInt(Date.parse(iso)) * 1_000_000n + extraNs;

describe('filelog timestamps', () => {
  it('strptime: ISO 8601 with fractions and offsets, syslog-style months', () => {
    assert.equal(parseStrptime('2026-12-02T10:11:12.123456Z', '%Y-%m-%dT%H:%M:%S.%f%z'), ns('2026-12-02T10:11:12.123Z', 456_000n));
    assert.equal(parseStrptime('2026-12-02 10:11:12.5+02:00', '%Y-%m-%d %H:%M:%S.%f%z'), ns('2026-12-02T08:11:12.500Z'));
    assert.equal(parseStrptime('2026-12-02T10:11:12.007-0130', '%FT%T.%L%z'), ns('2026-12-02T11:41:12.007Z'));
    assert.equal(parseStrptime('02/Dec/2026:10:11:12 +0000', '%d/%b/%Y:%H:%M:%S %z'), ns('2026-12-02T10:11:12Z'));
    assert.equal(parseStrptime('2026-12-02T10:11:12Z trailing', '%Y-%m-%dT%H:%M:%S%z'), undefined);
    assert.equal(parseStrptime('2026-13-02T10:11:12Z', '%Y-%m-%dT%H:%M:%S%z'), undefined);
    assert.match(checkStrptimeLayout('%Y %Q')!, /unsupported strptime directive %Q/);
    assert.equal(checkStrptimeLayout('%Y-%m-%dT%H:%M:%S.%f%z'), undefined);
  });

  it('epoch: s, ms, us, ns and fractional seconds', () => {
    assert.equal(parseEpoch('1764670272', 's'), 1764670272_000_000_000n);
    assert.equal(parseEpoch(1764670272123, 'ms'), 1764670272_123_000_000n);
    assert.equal(parseEpoch('1764670272.5', 's.ms'), 1764670272_500_000_000n);
    assert.equal(parseEpoch('1764670272.123456789', 's.ns'), 1764670272_123_456_789n);
    assert.equal(parseEpoch('1764670272123456', 'us'), 1764670272_123_456_000n);
    assert.equal(parseEpoch('abc', 's'), undefined);
  });
});

describe('filelog entry splitting', () => {
  const opts = { maxLogSize: 64, maxEntries: 100, flush: false };

  it('one entry per complete line; CRLF endings; an unterminated tail waits unless flushed', () => {
    const buf = Buffer.from('a\r\nbb\nccc');
    const e = splitEntries(buf, 100, opts);
    assert.deepEqual(e.map((x) => [x.text, x.end]), [['a', 103], ['bb', 106]]);
    const f = splitEntries(buf, 100, { ...opts, flush: true });
    assert.deepEqual(f.map((x) => [x.text, x.end]), [['a', 103], ['bb', 106], ['ccc', 109]]);
  });

  it('lines longer than max_log_size are split into marked pieces; maxEntries bounds a batch', () => {
    const long = 'x'.repeat(150);
    const e = splitEntries(Buffer.from(`${long}\nok\n`), 0, opts);
    assert.deepEqual(e.map((x) => [x.text.length, x.truncated]), [[64, true], [64, true], [22, false], [2, false]]);
    assert.equal(splitEntries(Buffer.from('a\nb\nc\n'), 0, { ...opts, maxEntries: 2 }).length, 2);
  });

  it('multiline: lines group under a start line; the last group waits for the next start or a flush', () => {
    const lineStart = compileRegex('^\\d{4}-');
    const text = '2026-01 first\n  at a\n  at b\n2026-02 second\n  at c\n';
    const e = splitEntries(Buffer.from(text), 0, { ...opts, lineStart });
    assert.deepEqual(e.map((x) => x.text), ['2026-01 first\n  at a\n  at b']);
    assert.equal(e[0].end, '2026-01 first\n  at a\n  at b\n'.length);
    const f = splitEntries(Buffer.from(text), 0, { ...opts, lineStart, flush: true });
    assert.deepEqual(f.map((x) => x.text), ['2026-01 first\n  at a\n  at b', '2026-02 second\n  at c']);
    assert.equal(f[1].end, text.length);
  });
});

function record(line: string): LogRecord {
  return { body: { stringValue: line }, attributes: [] };
}
function attr(rec: LogRecord, key: string): unknown {
  const v = rec.attributes!.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.intValue ?? v?.doubleValue ?? v?.boolValue ?? v;
}
function parseOps(ops: unknown[]) {
  return filelogConfigSchema.parse({ include: ['x'], operators: ops }).operators.map((o, i) => new Operator(o, i));
}

describe('filelog parsers', () => {
  it('json_parser: fields become attributes; timestamp, severity and trace ids are extracted', () => {
    const [op] = parseOps([{
      type: 'json_parser',
      timestamp: { parse_from: 'attributes.time', layout: '%Y-%m-%dT%H:%M:%S.%f%z' },
      severity: { parse_from: 'attributes.level' },
      trace: {},
    }]);
    const rec = record(JSON.stringify({
      time: '2026-12-02T10:11:12.250Z', level: 'warning', msg: 'slow', n: 3, ctx: { a: 1 },
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', trace_flags: '01',
    }));
    const errors: string[] = [];
    assert.equal(op.apply(rec, (o, s) => errors.push(`${o}:${s}`)), 'ok');
    assert.deepEqual(errors, []);
    assert.equal(Long.fromValue(rec.timeUnixNano as Long).toString(), ns('2026-12-02T10:11:12.250Z').toString());
    assert.equal(rec.severityText, 'warning');
    assert.equal(rec.severityNumber, 13);
    assert.equal(Buffer.from(rec.traceId!).toString('hex'), '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(Buffer.from(rec.spanId!).toString('hex'), '00f067aa0ba902b7');
    assert.equal(rec.flags, 1);
    assert.equal(attr(rec, 'msg'), 'slow');
    assert.equal(attr(rec, 'n'), 3);
    assert.equal(rec.body!.stringValue!.startsWith('{'), true, 'the body stays the original line');
  });

  it('regex_parser: named groups become attributes; nested parse_from reads the JSON result', () => {
    const [op] = parseOps([{
      type: 'regex_parser',
      regex: '^(?P<ts>\\S+) (?P<sev>[A-Z]+) trace=(?P<trace_id>[0-9a-f]{32}) (?P<msg>.*)$',
      timestamp: { parse_from: 'attributes.ts', layout_type: 'epoch', layout: 's.ms' },
      severity: { parse_from: 'attributes.sev' },
      trace: { trace_id: { parse_from: 'attributes.trace_id' } },
    }]);
    const rec = record('1764670272.5 ERROR trace=4bf92f3577b34da6a3ce929d0e0e4736 boom');
    op.apply(rec, () => assert.fail('no error expected'));
    assert.equal(attr(rec, 'msg'), 'boom');
    assert.equal(rec.severityNumber, 17);
    assert.equal(Long.fromValue(rec.timeUnixNano as Long).toString(), '1764670272500000000');
    assert.equal(rec.spanId, undefined);
  });

  it('on_error: send passes an unparsable line on (counted), drop leaves it out; bad ids are counted', () => {
    const [send] = parseOps([{ type: 'json_parser' }]);
    const [drop] = parseOps([{ type: 'json_parser', on_error: 'drop' }]);
    const errors: string[] = [];
    assert.equal(send.apply(record('not json'), (o, s) => errors.push(`${o}:${s}`)), 'ok');
    assert.equal(drop.apply(record('not json'), () => undefined), 'drop');
    const [withTrace] = parseOps([{ type: 'json_parser', id: 'j', trace: {} }]);
    const rec = record('{"trace_id":"xyz","span_id":"0000000000000000"}');
    withTrace.apply(rec, (o, s) => errors.push(`${o}:${s}`));
    assert.deepEqual(errors, ['json_parser0:parse', 'j:trace_id', 'j:span_id']);
    assert.equal(rec.traceId, undefined);
  });
});
