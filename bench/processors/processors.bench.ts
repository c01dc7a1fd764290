/**
 * Processor throughput in spans/s on the realistic 512-span request of the
 * receiver bench (decoded from protobuf, as in production), as a ratio
 * against walking every attribute string of the same request:
 *
 *   walk strings              the floor: visit every string value redaction visits
 *   redaction, clean data     the default processor on data without secrets (the common case),
 *                             the same request again and again (its values in the clean cache)
 *   decode / decode+redaction fresh strings per pass, as requests arrive: the difference is
 *                             what redaction adds to the receiver's work
 *   redaction, 10% leaky      one span in ten carries a leaked URL password and a SQL password
 *                             (restored after each pass, so every pass redacts again)
 *   redaction + blocked_value the default plus one user pattern (re2js on every string)
 *   attributes (3 actions)    insert + delete + hash on every span
 *   filter (health checks)    exclude by span name regexp + attribute
 *
 * Then the built-in regexes themselves, JS (V8) vs the same sources on
 * re2js, on the corpus strings: why the built-ins are constant JS regexes.
 *
 * Not part of `npm test`. Run: npx tsx bench/processors/processors.bench.ts
 * (LOOKOUT_BENCH_SECONDS / LOOKOUT_BENCH_ROUNDS: default 3 rounds of 2 s per case, best round kept).
 */
import pino from 'pino';
import { RE2JS } from 're2js';
import { decodeProtoRequest, encodeProtoRequest } from '../../agent/otlp/codec';
import type { AnyValue, ExportTraceServiceRequest } from '../../agent/otlp/model';
import { countSpans } from '../../agent/otlp/count';
import type { Consumer } from '../../agent/component/component';
import { attributesProcessorFactory, filterProcessorFactory, redactionProcessorFactory } from '../../agent/processors';
import type { RedactionProcessor } from '../../agent/processors/redaction/processor';
import type { AttributesProcessor } from '../../agent/processors/attributes/processor';
import type { FilterProcessor } from '../../agent/processors/filter/processor';
import { PATTERN_SOURCES, SECRET_ASSIGNMENT_SOURCE } from '../../agent/processors/redaction/patterns';
import { LEAKS } from '../../test/agent/processors/redaction/corpus';
import { realisticTraceRequest } from '../receivers/otlp/receiver.bench';
import { timeLoop } from '../timing';

const SECONDS = Number(process.env.LOOKOUT_BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.LOOKOUT_BENCH_ROUNDS ?? 3);
const settings = { id: 'bench', baseDir: '.', logger: pino({ level: 'silent' }) };
const noop: Consumer = { consume: async () => undefined };

function best(measure: () => number): number {
  let top = 0;
  for (let i = 0; i < ROUNDS; i++) top = Math.max(top, measure());
  return top;
}

function walkStrings(req: ExportTraceServiceRequest): number {
  let n = 0;
  const v = (x: AnyValue | null | undefined) => { if (x?.stringValue) n += x.stringValue.length; };
  for (const rs of req.resourceSpans) {
    for (const kv of rs.resource?.attributes ?? []) v(kv.value);
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        n += span.name.length;
        for (const kv of span.attributes ?? []) v(kv.value);
        for (const ev of span.events ?? []) for (const kv of ev.attributes ?? []) v(kv.value);
      }
    }
  }
  return n;
}

/** Puts leaks into one span in ten; returns a function restoring them after a redaction pass. */
function makeLeaky(req: ExportTraceServiceRequest): () => void {
  const restore: (() => void)[] = [];
  req.resourceSpans[0].scopeSpans[0].spans.forEach((span, i) => {
    if (i % 10 !== 0) return;
    const url = { stringValue: 'https://svc:Sup3rS3cret@orders.internal/api?token=abc123def456' };
    const sql = { stringValue: "ALTER USER reporting WITH PASSWORD 'Xk9#mP2$vL'" };
    const u0 = url.stringValue;
    const s0 = sql.stringValue;
    span.attributes = [...(span.attributes ?? []), { key: 'url.full', value: url }, { key: 'db.query.text', value: sql }];
    restore.push(() => { url.stringValue = u0; sql.stringValue = s0; });
  });
  return () => { for (const r of restore) r(); };
}

export interface ProcessorBenchResult { name: string; perSecond: number; ratio: number }

export async function run(seconds = SECONDS): Promise<ProcessorBenchResult[]> {
  const fresh = () => decodeProtoRequest('traces', encodeProtoRequest('traces', realisticTraceRequest()));
  const req = fresh();
  const spans = countSpans(req);
  console.log(`request: ${spans} spans; best of ${ROUNDS} x ${seconds} s per case`);
  let sink = 0;
  const base = best(() => timeLoop(() => { sink += walkStrings(req); }, seconds)) * spans;

  const redaction = redactionProcessorFactory.create(settings, redactionProcessorFactory.configSchema.parse({}), noop) as RedactionProcessor;
  const clean = best(() => timeLoop(() => redaction.redact('traces', req), seconds)) * spans;

  // Real requests arrive as fresh strings (no cached hash, not in the clean cache's table yet):
  // decode + redaction against decode alone gives the cost as the receiver pays it.
  const bytes = encodeProtoRequest('traces', realisticTraceRequest());
  const decodeOnly = best(() => timeLoop(() => { sink += decodeProtoRequest('traces', bytes).resourceSpans.length; }, seconds)) * spans;
  const decodeRedact = best(() => timeLoop(() => redaction.redact('traces', decodeProtoRequest('traces', bytes)), seconds)) * spans;

  const leakyReq = fresh();
  const restore = makeLeaky(leakyReq);
  const leaky = best(() => timeLoop(() => { redaction.redact('traces', leakyReq); restore(); }, seconds)) * spans;

  const custom = redactionProcessorFactory.create(settings, redactionProcessorFactory.configSchema.parse({ blocked_values: ['EMP-[0-9]{6}'] }), noop) as RedactionProcessor;
  const withCustom = best(() => timeLoop(() => custom.redact('traces', req), seconds)) * spans;

  const attrs = attributesProcessorFactory.create(settings, attributesProcessorFactory.configSchema.parse({
    actions: [{ key: 'env', value: 'prod', action: 'insert' }, { key: 'client.address', action: 'hash' }, { key: 'user_agent.original', action: 'delete' }],
  }), noop) as AttributesProcessor;
  const attrReq = fresh();
  const attributes = best(() => timeLoop(() => attrs.process('traces', attrReq), seconds)) * spans;

  const filter = filterProcessorFactory.create(settings, filterProcessorFactory.configSchema.parse({
    spans: { exclude: { match_type: 'regexp', span_names: ['/(healthz|readyz)$'], attributes: [{ key: 'http.route' }] } },
  }), noop) as FilterProcessor;
  const filterReq = fresh();
  const filtered = best(() => timeLoop(() => filter.process('traces', filterReq), seconds)) * spans;
  if (sink === 42) console.log('');

  const results: ProcessorBenchResult[] = [
    { name: 'walk strings (baseline)', perSecond: base, ratio: 1 },
    { name: 'redaction, clean data', perSecond: clean, ratio: clean / base },
    { name: 'protobuf decode', perSecond: decodeOnly, ratio: decodeOnly / base },
    { name: 'protobuf decode + redaction', perSecond: decodeRedact, ratio: decodeRedact / base },
    { name: 'redaction, 10% leaky spans', perSecond: leaky, ratio: leaky / base },
    { name: 'redaction + 1 blocked_value', perSecond: withCustom, ratio: withCustom / base },
    { name: 'attributes (3 actions)', perSecond: attributes, ratio: attributes / base },
    { name: 'filter (health checks)', perSecond: filtered, ratio: filtered / base },
  ];
  console.log('case                               spans/s   vs walk');
  for (const r of results) console.log(`${r.name.padEnd(32)} ${r.perSecond.toFixed(0).padStart(10)}   ${(r.ratio * 100).toFixed(1).padStart(6)} %`);

  // The built-in regexes: V8 vs re2js on the corpus strings (strings/s through every pattern).
  const texts = LEAKS.flatMap((l) => (Array.isArray(l.value) ? l.value : [l.value]));
  const sources: [string, string, boolean][] = [
    ...Object.entries(PATTERN_SOURCES).map(([n, src]) => [n, src, n === 'authorization'] as [string, string, boolean]),
    ['secret_assignment', SECRET_ASSIGNMENT_SOURCE, true],
  ];
  const js = sources.map(([, src, fold]) => new RegExp(src, fold ? 'gi' : 'g'));
  const re2 = sources.map(([, src, fold]) => RE2JS.compile(src, fold ? RE2JS.CASE_INSENSITIVE : 0));
  const jsRate = best(() => timeLoop(() => { for (const t of texts) for (const re of js) { re.lastIndex = 0; while (re.exec(t)) sink++; } }, seconds / 2)) * texts.length;
  const re2Rate = best(() => timeLoop(() => { for (const t of texts) for (const re of re2) { const m = re.matcher(t); while (m.find()) sink++; } }, seconds / 2)) * texts.length;
  console.log(`\nbuilt-in patterns on ${texts.length} corpus strings (every pattern, all matches):`);
  console.log(`  V8 RegExp  ${jsRate.toFixed(0).padStart(10)} strings/s`);
  console.log(`  re2js      ${re2Rate.toFixed(0).padStart(10)} strings/s   (V8 is ${(jsRate / re2Rate).toFixed(1)}x faster)`);
  results.push({ name: 'built-ins V8 strings/s', perSecond: jsRate, ratio: 1 }, { name: 'built-ins re2js strings/s', perSecond: re2Rate, ratio: re2Rate / jsRate });
  return results;
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
