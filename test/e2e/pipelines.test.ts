/**
 * Collector-shaped pipelines end to end (issue 12): `lookout run` with a
 * Collector-style config (memory_limiter and batch processors, two
 * otlp/<name> exporters, spanmetrics as a connector, the store as an
 * exporter) delivers what the real OTel SDK sent to each upstream, and
 * `lookout check-config --print-pipelines` prints the expanded pipelines
 * (the default ones for an old-style file) or the problems as path: message.
 * The README's Collector-style example is checked too.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { parseConfigText } from '../../agent/config/load';
import { pipelineProblems } from '../../agent/service/pipelines/validate';
import { countSpans } from '../../agent/otlp/count';
import { OtlpSink } from '../helpers/otlp-sink';
import { startAgent } from '../helpers/agent-process';
import { repoRoot } from '../helpers/repo';
import { waitFor } from '../helpers/wait';
import { assertExportSucceeded, exportWith, makeSpans } from '../agent/receivers/otlp/sdk-data';

function checkConfig(file: string, ...flags: string[]) {
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(repoRoot, 'agent/cli/main.ts'), 'check-config', ...flags, file], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('e2e: Collector-style pipelines', function () {
  this.timeout(90_000);
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(path.join(os.tmpdir(), 'lookout-pipelines-e2e-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('lookout run: two traces pipelines to two upstreams, spanmetrics into the store, from the real SDK', async () => {
    const a = await new OtlpSink().start();
    const b = await new OtlpSink().start();
    const agent = await startAgent({
      processors: { memory_limiter: { limit_mib: 4096, spike_limit_mib: 512 }, 'batch/quick': { timeout: '10ms' } },
      exporters: {
        'otlp/a': { endpoint: a.url, sending_queue: { storage: 'memory' }, batch: { timeout: '10ms' } },
        'otlp/b': { endpoint: b.url, batch: { timeout: '10ms' } },
      },
      connectors: { spanmetrics: { metrics_flush_interval: '100ms' } },
      service: {
        pipelines: {
          'traces/a': { receivers: ['otlp'], processors: ['memory_limiter', 'batch/quick'], exporters: ['otlp/a'] },
          'traces/b': { receivers: ['otlp'], exporters: ['otlp/b', 'spanmetrics'] },
          'metrics/spans': { receivers: ['spanmetrics'], exporters: ['store'] },
        },
      },
    });
    try {
      const spans = await makeSpans('e2e');
      const exporter = new OTLPTraceExporter({ url: `${agent.otlpUrl}/v1/traces` });
      assertExportSucceeded(await exportWith(exporter, spans), 'SDK');
      await exporter.shutdown();
      const total = (sink: OtlpSink) => sink.of('traces').reduce((n, r) => n + countSpans(r), 0);
      await waitFor(() => total(a) === spans.length && total(b) === spans.length, { what: 'both upstreams got every span', timeoutMs: 20_000 });
      assert.equal(a.of('metrics').length + b.of('metrics').length, 0, 'no metrics pipeline exports upstream');
      await waitFor(async () => {
        const res = await fetch(`${agent.adminUrl}/api/v1/query?query=${encodeURIComponent('sum(traces_span_metrics_calls_total)')}`);
        const body = await res.json() as { data: { result: { value: [number, string] }[] } };
        return Number(body.data.result[0]?.value[1] ?? 0) === spans.length;
      }, { what: 'spanmetrics counted every span into the store', timeoutMs: 20_000 });
      // Each /name exporter has its own queue folder (otlp/b's durable one under queue/otlp~b).
      assert.match(agent.output(), /exporting to http:\/\/127\.0\.0\.1/);
    } finally {
      await agent.stop();
      await a.stop();
      await b.stop();
      rmSync(agent.dir, { recursive: true, force: true });
    }
  });

  it('check-config --print-pipelines: the default pipelines of an old-style file, and path: message for unknown components and wrong signals', () => {
    const old = path.join(tmp, 'old.yaml');
    writeFileSync(old, `storage: { dir: ${JSON.stringify(path.join(tmp, 'data'))} }\nexporters:\n  otlp: { endpoint: http://127.0.0.1:4318 }\n`);
    const r = checkConfig(old, '--print-pipelines');
    assert.equal(r.code, 0, r.out);
    const printed = r.out.slice(r.out.indexOf('# default pipelines'));
    assert.deepEqual(parseConfigText(printed, 'printed', {}).service.pipelines, {
      traces: { receivers: ['otlp'], processors: ['redaction'], exporters: ['otlp', 'spanmetrics'] },
      metrics: { receivers: ['otlp'], processors: ['redaction'], exporters: ['otlp', 'store'] },
      logs: { receivers: ['otlp'], processors: ['redaction'], exporters: ['otlp', 'logmetrics'] },
    });
    const bad = path.join(tmp, 'bad.yaml');
    writeFileSync(bad, `storage: { dir: ${JSON.stringify(path.join(tmp, 'data'))} }\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      processors: [batch, redactoin]\n      exporters: [store]\n`);
    const e = checkConfig(bad);
    assert.equal(e.code, 1, e.out);
    assert.match(e.out, /^service\.pipelines\.traces\.processors\[1\]: unknown processor type "redactoin"; known: /m);
    assert.match(e.out, /^service\.pipelines\.traces\.exporters\[0\]: exporter "store" does not handle traces \(it handles metrics\)$/m);
  });

  it('the README\'s Collector-style example is a valid config', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Pipelines'));
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.ok(blocks.length >= 2, 'the short form and the Collector-style form');
    for (const yaml of blocks.slice(0, 2)) {
      const loaded = { config: parseConfigText(yaml, 'README', {}), baseDir: tmp, source: 'README' };
      assert.deepEqual(pipelineProblems(loaded), []);
    }
    assert.match(blocks[1], /processors: \[memory_limiter, batch\]/);
  });
});
