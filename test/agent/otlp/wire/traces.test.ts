/**
 * The trace-request scanner and the spanmetrics visitor against protobufjs
 * on a fuzzed corpus (trace-corpus.ts): for every request, the scan's span
 * count and validity verdict equal countSpans / validateRequest of the full
 * decode, bytes the scan accepts always decode, what the visitor reads
 * equals the decoded tree's fields, and spanmetrics writes the same samples
 * from the bytes as from the decoded requests.
 */
import assert from 'node:assert/strict';
import { SpanMetricsConnector } from '../../../../agent/connectors/spanmetrics';
import { spanmetricsConfigSchema } from '../../../../agent/connectors/spanmetrics/config';
import { countSpans } from '../../../../agent/otlp/count';
import { lazyRequest, undecodedBytesOf } from '../../../../agent/otlp/lazy';
import type { ExportTraceServiceRequest, KeyValue } from '../../../../agent/otlp/model';
import { requestType } from '../../../../agent/otlp/root';
import { anyValueToString } from '../../../../agent/otlp/values';
import type { AttributeCursor } from '../../../../agent/otlp/wire/attributes';
import { scanTraceRequest, visitSpans } from '../../../../agent/otlp/wire/traces';
import { RecordingAppender } from '../../connectors/recording-appender';
import { rng, TraceCorpus } from './trace-corpus';
import { checkAgreement, fuzzSeed, FUZZ_CASES, FUZZ_SCALE } from './agreement';

const SEED = fuzzSeed(13);
const SCALE = FUZZ_SCALE;
const CASES = FUZZ_CASES;

const kvs = (list: KeyValue[] | null | undefined) => (list ?? []).map((kv) => [kv.key, anyValueToString(kv.value)]);

function cursorPairs(a: AttributeCursor): string[][] {
  const out: string[][] = [];
  while (a.next()) out.push([a.key(), a.value()]);
  return out;
}

/** What the visitor saw, in the decoded tree's shape (resources with their spans). */
function visited(bytes: Buffer): unknown[] {
  const out: { attrs: string[][]; spans: number; seen: unknown[] }[] = [];
  visitSpans(bytes, {
    resource: (attrs, spans) => {
      out.push({ attrs: cursorPairs(attrs), spans, seen: [] });
      return true;
    },
    span: (s) => {
      out[out.length - 1].seen.push({
        name: s.name(), kind: s.kind, status: s.statusCode, start: [s.startHi, s.startLo >>> 0], end: [s.endHi, s.endLo >>> 0],
        attrs: cursorPairs(s.attributes),
      });
    },
  });
  return out;
}

type LongLike = { high: number; low: number };
function expected(req: ExportTraceServiceRequest): unknown[] {
  return req.resourceSpans.map((rs) => {
    const spans = rs.scopeSpans.flatMap((ss) => ss.spans);
    return {
      attrs: kvs(rs.resource?.attributes),
      spans: spans.length,
      seen: spans.map((s) => {
        const start = s.startTimeUnixNano as unknown as LongLike;
        const end = s.endTimeUnixNano as unknown as LongLike;
        return {
          name: s.name, kind: s.kind, status: s.status?.code ?? 0, start: [start.high, start.low >>> 0], end: [end.high, end.low >>> 0],
          attrs: kvs(s.attributes),
        };
      }),
    };
  });
}

function connector(): { c: SpanMetricsConnector; out: RecordingAppender } {
  const out = new RecordingAppender();
  const config = spanmetricsConfigSchema.parse({
    metrics_flush_interval: '0s',
    dimensions: [
      { name: 'http.route' }, { name: 'http.request.method' }, { name: 'http.response.status_code' },
      { name: 'custom.dim', default: 'none' }, { name: 'service.namespace' },
    ],
  });
  return { c: new SpanMetricsConnector(config, out, { now: () => 1_700_000_000_000 }), out };
}

describe('OTLP trace wire scanner vs protobufjs (fuzzed corpus)', function () {
  this.timeout(30_000 * Math.max(1, SCALE));
  it(`agrees with the full decode on ${CASES} random requests (seed ${SEED})`, () => {
    const corpus = new TraceCorpus(rng(SEED));
    const fromBytes = connector();
    const fromTree = connector();
    checkAgreement({
      signal: 'traces', cases: CASES, seed: SEED, next: () => corpus.request(),
      scan: scanTraceRequest,
      onAccepted: (bytes, tree, scan, what) => {
        assert.deepEqual(visited(bytes), expected(tree), `visited fields: ${what}`);
        const lazy = lazyRequest('traces', bytes, scan.items);
        fromBytes.c.record(lazy);
        assert.ok(undecodedBytesOf(lazy), 'spanmetrics read the bytes without decoding the request');
        fromTree.c.record(tree);
      },
    });
    fromBytes.c.flush();
    fromTree.c.flush();
    const rows = (out: RecordingAppender) => out.samples.map((s) => JSON.stringify([Object.entries(s.labels).sort(), s.t, s.v])).sort();
    assert.deepEqual(rows(fromBytes.out), rows(fromTree.out), 'spanmetrics wrote the same samples from bytes as from decoded requests');
    assert.equal(fromBytes.c.droppedSpans, fromTree.c.droppedSpans);
    assert.equal(fromBytes.c.invalidSpans, fromTree.c.invalidSpans);
    assert.ok(fromTree.out.samples.length > 1000, 'spanmetrics wrote samples');
    assert.ok(fromTree.c.droppedSpans > 0 && fromTree.c.invalidSpans > 0, 'the corpus has spans without service.name and with bad times');
  });

  it('a lazy request decodes on first access to the same tree, once, and stays an instance of the message class', () => {
    const corpus = new TraceCorpus(rng(SEED + 1));
    let checked = 0;
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(corpus.request());
      const scan = scanTraceRequest(bytes);
      if (!scan) continue;
      const lazy = lazyRequest('traces', bytes, scan.items);
      const type = requestType('traces');
      assert.ok(lazy instanceof type.ctor);
      assert.equal(countSpans(lazy), scan.items);
      assert.ok(undecodedBytesOf(lazy));
      const first = lazy.resourceSpans;
      assert.equal(undecodedBytesOf(lazy), undefined, 'decoded: the bytes no longer stand for it');
      assert.equal(lazy.resourceSpans, first, 'decoded once');
      assert.deepEqual(type.toObject(lazy as never), type.toObject(type.decode(bytes)));
      assert.deepEqual(Buffer.from(type.encode(lazy as never).finish()), Buffer.from(type.encode(type.decode(bytes)).finish()));
      checked++;
    }
    assert.ok(checked > 100);
  });

  it('refuses what protobufjs would read differently: wrong wire types, 6-byte varints, groups, field 0', () => {
    const span = (extra: number[]) => Buffer.from([0x0a, extra.length + 4, 0x12, extra.length + 2, 0x12, extra.length, ...extra]);
    assert.deepEqual(scanTraceRequest(span([0x30, 0x01])), { items: 1, valid: false }, 'a span with only a kind: read, and invalid (no ids)');
    assert.equal(scanTraceRequest(span([0x28, 0x03])), undefined, 'field 5 (name, a string) as a varint');
    assert.equal(scanTraceRequest(span([0x30, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00])), undefined, 'a 6-byte varint kind');
    assert.ok(scanTraceRequest(span([0x30, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), 'a 10-byte (negative) kind is fine');
    assert.equal(scanTraceRequest(span([0xa3, 0x06, 0xa4, 0x06])), undefined, 'a group');
    assert.equal(scanTraceRequest(Buffer.from([0x02, 0x00])), undefined, 'field number 0');
    assert.equal(scanTraceRequest(Buffer.from([0x0a, 0x05, 0x12, 0x01])), undefined, 'truncated');
    assert.deepEqual(scanTraceRequest(Buffer.alloc(0)), { items: 0, valid: true }, 'an empty request');
  });
});
