/**
 * Collector-shaped pipelines (issue 12, items 1-3): the graph is built
 * from factories and service.pipelines; old-style configs give the same
 * graph as before; bad references and connector cycles are `path: message`
 * errors; a type registered from a test runs with no service change; a
 * mutating processor on one branch never changes what another branch gets.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { builtinComponents } from '../../../agent/components';
import { parseConfigText, validateConfig } from '../../../agent/config/load';
import { maskedConfigYaml } from '../../../agent/config/scrub';
import type { OtlpReceiver } from '../../../agent/receivers/otlp';
import type { Service } from '../../../agent/service/service';
import { DEFAULT_PIPELINE_PROCESSORS, defaultPipelines } from '../../../agent/service/pipelines/defaults';
import { planGraph } from '../../../agent/service/pipelines/plan';
import { printPipelines } from '../../../agent/service/pipelines/validate';
import { exportWith, makeSpans, assertExportSucceeded } from '../receivers/otlp/sdk-data';
import { waitFor } from '../../helpers/wait';
import { captured, fakeRedaction, serviceFromYaml, spanNames, testRegistry } from './pipeline-fixtures';

const problemsOf = (yaml: string, registry = testRegistry()) =>
  planGraph(parseConfigText(yaml, 't', {}), registry).problems.map((p) => `${p.path}: ${p.message}`);

describe('pipelines: old-style configs', () => {
  const print = (doc: Record<string, unknown>) => printPipelines({ config: validateConfig(doc, 't', {}), baseDir: '.', source: 't' });

  it('the embedded default expands to the fixed graph of before, redaction first (snapshot)', () => {
    assert.equal(print({}), [
      '# default pipelines (no service.pipelines in the config)',
      'service:',
      '  pipelines:',
      '    traces:',
      '      receivers:',
      '        - otlp',
      '      processors:',
      '        - redaction',
      '      exporters:',
      '        - spanmetrics',
      '    metrics:',
      '      receivers:',
      '        - otlp',
      '      processors:',
      '        - redaction',
      '      exporters:',
      '        - store',
      '    logs:',
      '      receivers:',
      '        - otlp',
      '      processors:',
      '        - redaction',
      '      exporters:',
      '        - logmetrics',
      '',
    ].join('\n'));
  });

  it('with an upstream and a connector disabled: the exporter leads every pipeline, the disabled connector is gone (snapshot)', () => {
    const out = print({ exporters: { otlp: { endpoint: 'http://127.0.0.1:4318' } }, connectors: { logmetrics: { enabled: false } } });
    assert.deepEqual(parseConfigText(out.split('\n').slice(1).join('\n'), 'printed', {}).service.pipelines, {
      traces: { receivers: ['otlp'], processors: ['redaction'], exporters: ['otlp', 'spanmetrics'] },
      metrics: { receivers: ['otlp'], processors: ['redaction'], exporters: ['otlp', 'store'] },
      logs: { receivers: ['otlp'], processors: ['redaction'], exporters: ['otlp'] },
    });
  });

  it('a signal with nothing to go to has no pipeline (accepted and dropped, as before)', () => {
    const config = validateConfig({ connectors: { spanmetrics: { enabled: false } } }, 't', {});
    assert.deepEqual(Object.keys(defaultPipelines(config, builtinComponents())), ['metrics', 'logs']);
  });

  it('DEFAULT_PIPELINE_PROCESSORS: an unregistered type is skipped, a registered one runs before the fan-out', () => {
    assert.deepEqual([...DEFAULT_PIPELINE_PROCESSORS], ['redaction']);
    const config = validateConfig({ exporters: { otlp: { endpoint: 'http://127.0.0.1:4318' } } }, 't', {});
    const without = defaultPipelines(config, builtinComponents());
    assert.ok(!builtinComponents().has('processor', 'redaction') || without.traces.processors.includes('redaction'));
    if (!builtinComponents().has('processor', 'redaction')) {
      for (const p of Object.values(without)) assert.deepEqual(p.processors, [], 'skipped: not registered in this build');
    }
    const reg = builtinComponents().has('processor', 'redaction') ? builtinComponents() : builtinComponents().register(fakeRedaction);
    for (const p of Object.values(defaultPipelines(config, reg))) assert.deepEqual(p.processors, ['redaction']);
    const { plan, problems } = planGraph(config, reg);
    assert.deepEqual(problems, []);
    assert.deepEqual(plan!.pipelines.map((p) => [p.name, p.processors, p.exporters]), [
      ['traces', ['redaction'], ['otlp', 'spanmetrics']],
      ['metrics', ['redaction'], ['otlp', 'store']],
      ['logs', ['redaction'], ['otlp', 'logmetrics']],
    ]);
  });

  it('the built service has the components of before, each started after everything downstream of it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-pipelines-'));
    const s = serviceFromYaml('exporters: { otlp: { endpoint: "http://127.0.0.1:9", sending_queue: { storage: memory } } }\nreceivers: { otlp: { http: { endpoint: 127.0.0.1:0 } } }', dir, testRegistry());
    try {
      await s.start();
      const ids = (s as unknown as { pipeline: { components: { id: string }[] } }).pipeline.components.map((c) => c.id);
      assert.deepEqual(ids, [
        'store', 'exposition/store', 'api/prometheus',
        // Each pipeline's redaction before its fan-out; one more for the alert path.
        'otlp', 'spanmetrics', 'redaction', 'translate/prometheus', 'redaction', 'logmetrics', 'redaction',
        'alerting', 'api/alerting', 'redaction', 'rules', 'api/targets',
        'otlp',
      ]);
      assert.ok(s.pipelineComponent('receiver', 'otlp'), 'the receiver is found by kind and id');
    } finally {
      await s.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pipelines: Collector config shapes', () => {
  it('receivers.otlp accepts the Collector\'s protocols: level, for named instances too; both places at once is an error', () => {
    const c = parseConfigText('receivers:\n  otlp:\n    protocols:\n      grpc: { endpoint: 127.0.0.1:0 }\n      http:\n', 't', {});
    assert.equal(c.receivers.otlp.grpc?.endpoint, '127.0.0.1:0');
    assert.equal(c.receivers.otlp.http?.endpoint, '127.0.0.1:4318');
    assert.deepEqual(problemsOf('receivers:\n  otlp/b: { protocols: { http: { endpoint: 127.0.0.1:0 } } }\n'), []);
    assert.throws(() => parseConfigText('receivers: { otlp: { http: {}, protocols: { http: {} } } }', 't', {}),
      /receivers\.otlp\.protocols\.http: http is also configured at the top level/);
  });

  it('otlphttp, the Collector\'s name for the OTLP/HTTP exporter, is the otlp exporter', () => {
    assert.deepEqual(problemsOf(`
exporters:
  otlphttp/gw: { endpoint: http://gateway:4318 }
service:
  pipelines:
    logs: { receivers: [otlp], exporters: [otlphttp/gw] }
`), []);
    assert.throws(() => parseConfigText('exporters: { otlphttp: { endpoint: nope } }', 't', {}), /exporters\.otlphttp\.endpoint: expected an http/);
  });

  it('secrets of a type/name instance are masked like its type\'s (exporters.otlp/2.headers)', () => {
    const raw = { exporters: { 'otlp/2': { endpoint: 'http://u:pw@up:4318', headers: { authorization: 'Bearer s3cr3t' } } } };
    const out = maskedConfigYaml({ config: validateConfig(raw, 't', {}), baseDir: '.', source: 't', raw });
    assert.doesNotMatch(out, /s3cr3t|pw@/);
    assert.match(out, /authorization: <secret>/);
  });
});

describe('pipelines: errors as path: message', () => {
  it('an unknown component in a pipeline names the list entry and the known types', () => {
    const problems = problemsOf(`
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [nope]
      exporters: [debug/x]
`);
    assert.ok(problems.includes('service.pipelines.traces.processors[0]: unknown processor type "nope"; known: attributes, batch, drop_named, filter, memory_limiter, redaction, rename, resource'), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('service.pipelines.traces.exporters[0]: unknown exporter or connector type "debug"')), problems.join('\n'));
  });

  it('a /name instance is validated by its type schema, with its own path', () => {
    const problems = problemsOf(`
receivers:
  otlp/2: { http: { endpoint: "no port" }, bogus: 1 }
exporters:
  otlpp: {}
`);
    assert.ok(problems.some((p) => p.startsWith('receivers.otlp/2.http.endpoint: ')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('receivers.otlp/2.bogus: unknown key')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('exporters.otlpp: unknown exporter type "otlpp"')), problems.join('\n'));
  });

  it('a component used without a config section, a bad pipeline name', () => {
    assert.deepEqual(problemsOf(`
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp/up] }
    logs: { receivers: [otlp], processors: [drop_named/x], exporters: [capture] }
`), [
      'service.pipelines.traces.exporters[0]: exporter "otlp/up" is not configured: add it under exporters',
      'service.pipelines.logs.processors[0]: processor "drop_named/x" is not configured: add it under processors',
    ]);
    assert.throws(() => parseConfigText('service: { pipelines: { spans: { receivers: [otlp], exporters: [store] } } }', 't', {}),
      /service\.pipelines\.spans: a pipeline is named traces, metrics or logs/);
  });

  it('a cycle through connectors is refused, naming the pipelines and connectors', () => {
    const problems = problemsOf(`
service:
  pipelines:
    traces/a: { receivers: [otlp, forward/back], exporters: [forward/ahead] }
    traces/b: { receivers: [forward/ahead], exporters: [forward/back, capture] }
`);
    assert.deepEqual(problems, ['service.pipelines.traces/a.exporters[0]: pipelines form a cycle through connectors: traces/a -> forward/ahead -> traces/b -> forward/back -> traces/a']);
  });

  it('a connector must be exported to before it can receive, and only on the signals it connects', () => {
    assert.deepEqual(problemsOf(`
service:
  pipelines:
    traces: { receivers: [forward], exporters: [capture] }
    metrics: { receivers: [otlp], exporters: [spanmetrics] }
`), [
      'service.pipelines.metrics.exporters[0]: connector "spanmetrics" connects traces -> metrics; it cannot be an exporter of a metrics pipeline',
      'service.pipelines.traces.receivers[0]: connector "forward" is a receiver here but no pipeline exports to it',
    ]);
  });

  it('spanmetrics writes into the store itself: a pipeline it feeds may only export to store', () => {
    assert.deepEqual(problemsOf(`
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [spanmetrics] }
    metrics/derived: { receivers: [spanmetrics], exporters: [capture] }
`), ['service.pipelines.metrics/derived.receivers[0]: connector "spanmetrics" writes its output to store itself: a pipeline it feeds may only export to store, with no processors (pipeline metrics/derived)']);
    assert.deepEqual(problemsOf(`
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [spanmetrics] }
    metrics/derived: { receivers: [spanmetrics], exporters: [store] }
`), []);
  });
});

describe('pipelines: Collector-style config, built and run with the real OTel SDK', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-pipelines-')); captured.clear(); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Sends the SDK's spans; returns their names, sorted. */
  async function send(receiver: OtlpReceiver | undefined, tag: string): Promise<string[]> {
    const exporter = new OTLPTraceExporter({ url: `${receiver!.httpUrl}/v1/traces` });
    const spans = await makeSpans(tag);
    assertExportSucceeded(await exportWith(exporter, spans), tag);
    await exporter.shutdown();
    return spans.map((sp) => sp.name).sort();
  }

  /** Starts a service on the YAML (receivers.otlp on port 0 added), runs `fn`, always shuts it down. */
  async function withService(yaml: string, fn: (s: Service) => Promise<void>): Promise<void> {
    const s = serviceFromYaml(`receivers:\n  otlp: { http: { endpoint: 127.0.0.1:0 } }\n${yaml}`, dir, testRegistry());
    try {
      await s.start();
      await fn(s);
    } finally {
      await s.shutdown();
    }
  }
  const otlpOf = (s: Service) => s.pipelineComponent<OtlpReceiver>('receiver', 'otlp');

  it('two traces pipelines, one with a filter and a batch, /name receivers and exporters: each exporter gets its pipeline\'s data', async () => {
    await withService(`
  otlp/second: { http: { endpoint: 127.0.0.1:0 } }
processors:
  drop_named/select: { name_prefix: SELECT }
  batch/fast: { timeout: 5ms }
exporters:
  capture/filtered: {}
  capture/all: {}
service:
  pipelines:
    traces/filtered: { receivers: [otlp], processors: [drop_named/select, batch/fast], exporters: [capture/filtered] }
    traces/all: { receivers: [otlp, otlp/second], exporters: [capture/all] }
`, async (s) => {
      const sdkNames = await send(otlpOf(s), 'first');
      assert.deepEqual(spanNames('capture/all'), sdkNames, 'the unfiltered pipeline got every span');
      assert.ok(sdkNames.some((n) => n.startsWith('SELECT')) && sdkNames.some((n) => !n.startsWith('SELECT')));
      await waitFor(() => spanNames('capture/filtered').length > 0, { what: 'the filtered pipeline delivered (after its batch timeout)' });
      assert.deepEqual(spanNames('capture/filtered'), sdkNames.filter((n) => !n.startsWith('SELECT')), 'the filter dropped the SELECT span in its pipeline only');
      const filtered = spanNames('capture/filtered').length;
      await send(s.pipelineComponent<OtlpReceiver>('receiver', 'otlp/second'), 'second');
      assert.equal(spanNames('capture/all').length, 2 * sdkNames.length, 'otlp/second feeds traces/all');
      assert.equal(spanNames('capture/filtered').length, filtered, 'otlp/second does not feed traces/filtered');
    });
  });

  it('a mutating processor on one branch never changes what the other branch receives', async () => {
    await withService(`
processors:
  rename: { to: CHANGED }
exporters:
  capture/a: {}
  capture/b: {}
  capture/c: {}
service:
  pipelines:
    traces/a: { receivers: [otlp], processors: [rename], exporters: [capture/a] }
    traces/b: { receivers: [otlp], exporters: [capture/b, capture/c] }
`, async (s) => {
      const sent = await send(otlpOf(s), 'iso');
      assert.deepEqual(spanNames('capture/a'), sent.map(() => 'CHANGED'));
      const b = spanNames('capture/b');
      assert.deepEqual(b, sent, `branch b saw branch a's change: ${b.join(', ')}`);
      assert.deepEqual(spanNames('capture/c'), b);
    });
  });

  it('a mutating processor behind a forward connector never changes what the connector\'s upstream branch receives', async () => {
    await withService(`
processors:
  rename: { to: CHANGED }
exporters:
  capture/up: {}
  capture/down: {}
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [forward, capture/up] }
    traces/down: { receivers: [forward], processors: [rename], exporters: [capture/down] }
`, async (s) => {
      const sent = await send(otlpOf(s), 'fwd');
      assert.deepEqual(spanNames('capture/down'), sent.map(() => 'CHANGED'));
      assert.deepEqual(spanNames('capture/up'), sent, 'the change behind the connector leaked upstream');
    });
  });

  it('spanmetrics through a Collector-style traces -> metrics pipeline counts into the store', async () => {
    await withService(`
connectors:
  spanmetrics: { metrics_flush_interval: 0s }
exporters:
  capture: {}
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [capture, spanmetrics] }
    metrics/spans: { receivers: [spanmetrics], exporters: [store] }
`, async (s) => {
      const sent = await send(otlpOf(s), 'sm');
      const store = (s as unknown as { pipeline: { store: { select: (m: unknown[], a: number, b: number) => { v: number[] }[] } } }).pipeline.store;
      await waitFor(() => store.select([{ name: '__name__', type: '=', value: 'traces_span_metrics_calls_total' }], 0, Date.now() + 60_000).length > 0,
        { what: 'spanmetrics series in the store' });
      assert.deepEqual(spanNames('capture'), sent);
    });
  });
});

describe('pipelines: a service with a bad graph', () => {
  it('start() fails with the problems as path: message and leaves nothing running', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-pipelines-'));
    const s = serviceFromYaml('service: { pipelines: { traces: { receivers: [otlp], exporters: [nope] } } }', dir, testRegistry());
    try {
      await assert.rejects(s.start(), /service\.pipelines\.traces\.exporters\[0\]: unknown exporter or connector type "nope"/);
      assert.equal(s.currentState, 'stopped');
      assert.equal(s.admin.address, undefined, 'the admin server was stopped again');
    } finally {
      await s.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
