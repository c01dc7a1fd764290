/**
 * The logs-request scanner and the log_records_total reader against
 * protobufjs on a fuzzed corpus (trace-corpus.ts, log records): record
 * count and validity equal countLogRecords / validateRequest of the full
 * decode, bytes the scan accepts always decode, and logmetrics writes the
 * same samples from the bytes as from the decoded requests.
 */
import assert from 'node:assert/strict';
import { LogMetricsConnector } from '../../../../agent/connectors/logmetrics';
import { logmetricsConfigSchema } from '../../../../agent/connectors/logmetrics/config';
import { lazyRequest, undecodedBytesOf } from '../../../../agent/otlp/lazy';
import type { ExportLogsServiceRequest } from '../../../../agent/otlp/model';
import { requestType } from '../../../../agent/otlp/root';
import { scanLogsRequest } from '../../../../agent/otlp/wire/logs';
import { RecordingAppender } from '../../connectors/recording-appender';
import { rng, TraceCorpus } from './trace-corpus';
import { checkAgreement, fuzzSeed, FUZZ_CASES, FUZZ_SCALE } from './agreement';

const SEED = fuzzSeed(17);
const SCALE = FUZZ_SCALE;
const CASES = FUZZ_CASES;

function decode(bytes: Buffer): ExportLogsServiceRequest | undefined {
  try {
    return requestType('logs').decode(bytes) as unknown as ExportLogsServiceRequest;
  } catch {
    return undefined;
  }
}

function connector(config: Record<string, unknown> = {}): { c: LogMetricsConnector; out: RecordingAppender } {
  const out = new RecordingAppender();
  const parsed = logmetricsConfigSchema.parse({ metrics_flush_interval: '0s', ...config });
  return { c: new LogMetricsConnector(parsed, out, { now: () => 1_700_000_000_000 }), out };
}

const rows = (out: RecordingAppender) => out.samples.map((s) => JSON.stringify([Object.entries(s.labels).sort(), s.t, s.v])).sort();

describe('OTLP logs wire scanner vs protobufjs (fuzzed corpus)', function () {
  this.timeout(30_000 * Math.max(1, SCALE));

  it(`agrees with the full decode on ${CASES} random requests (seed ${SEED})`, () => {
    const corpus = new TraceCorpus(rng(SEED));
    const fromBytes = connector();
    const fromTree = connector();
    checkAgreement({
      signal: 'logs', cases: CASES, seed: SEED, next: () => corpus.logsRequest(),
      scan: scanLogsRequest,
      onAccepted: (bytes, tree, scan) => {
        const lazy = lazyRequest('logs', bytes, scan.items);
        fromBytes.c.record(lazy);
        assert.ok(undecodedBytesOf(lazy), 'logmetrics read the bytes without decoding the request');
        fromTree.c.record(tree);
      },
    });
    fromBytes.c.flush();
    fromTree.c.flush();
    assert.deepEqual(rows(fromBytes.out), rows(fromTree.out), 'logmetrics wrote the same samples from bytes as from decoded requests');
    assert.ok(new Set(fromTree.out.samples.map((s) => s.labels.severity_text)).size >= 6, 'severities by number and by text');
  });

  it('with user counters, logmetrics reads the tree (attribute and body matchers), and counts the same', () => {
    const corpus = new TraceCorpus(rng(SEED + 1));
    const config = { counters: [{ name: 'crit_total', description: 'd', match: { severity_min: 13 }, labels: ['http.route'] }] };
    const lazyPath = connector(config);
    const treePath = connector(config);
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(corpus.logsRequest());
      const scan = scanLogsRequest(bytes);
      if (!scan) continue;
      const lazy = lazyRequest('logs', bytes, scan.items);
      lazyPath.c.record(lazy);
      assert.equal(undecodedBytesOf(lazy), undefined, 'decoded for the matchers');
      treePath.c.record(decode(bytes)!);
    }
    lazyPath.c.flush();
    treePath.c.flush();
    assert.ok(treePath.out.of('crit_total').length > 0);
    assert.deepEqual(rows(lazyPath.out), rows(treePath.out));
  });
});
