/**
 * The admin /metrics as a whole: with every component that registers
 * instruments running (OTLP receiver, exporter, store, rules with the default
 * pack, the notifier) and data flowing, each metric family is exposed exactly
 * once and has one owner. Two source files registering one instrument name
 * (with the same type) are merged by the OTel SDK, silently, into one family
 * mixing both owners' series (lookout_alerts once held the rules'
 * pending/firing and the notifier's active/suppressed): the instrument
 * registrations are recorded with the file that made them. A family written
 * twice is what a Prometheus scrape rejects: checked with promtool's parser.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import pino from 'pino';
import { validateConfig } from '../../../agent/config/load';
import { encodeProtoRequest } from '../../../agent/otlp/codec';
import { OtlpReceiver } from '../../../agent/receivers/otlp';
import { Service } from '../../../agent/service/service';
import { OtlpSink } from '../../helpers/otlp-sink';
import { waitFor } from '../../helpers/wait';
import { post, PROTO } from '../receivers/otlp/client';

const CREATE = ['createCounter', 'createUpDownCounter', 'createHistogram', 'createGauge',
  'createObservableCounter', 'createObservableUpDownCounter', 'createObservableGauge'];

/** The agent source file that called into the meter (a shared helper counts as the owner, not its users). */
function callerFile(): string {
  const frame = new Error().stack!.split('\n').slice(1).find((l) => /\/agent\//.test(l) && !l.includes('/test/'));
  return /\/(agent\/[^:]+):\d+/.exec(frame ?? '')?.[1] ?? '(unknown)';
}

/** Records, per instrument name, which agent files create it on this meter from now on. */
function recordOwners(meter: object): Map<string, Set<string>> {
  const owners = new Map<string, Set<string>>();
  const m = meter as Record<string, (name: string, ...rest: unknown[]) => unknown>;
  for (const method of CREATE) {
    const original = m[method].bind(meter);
    m[method] = (name, ...rest) => {
      if (!owners.has(name)) owners.set(name, new Set());
      owners.get(name)!.add(callerFile());
      return original(name, ...rest);
    };
  }
  return owners;
}

interface Family { name: string; type: string; series: string[] }

/** The exposition's families in order, with each sample line's series (name and labels). */
function families(text: string): Family[] {
  const out: Family[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      out.push({ name: type[1], type: type[2], series: [] });
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const series = /^([^\s{]+(?:\{.*\})?) \S+( \S+)?$/.exec(line)?.[1];
    assert.ok(series, `not a sample line: ${line}`);
    assert.ok(out.length, `a sample before any # TYPE: ${line}`);
    out[out.length - 1].series.push(series);
  }
  return out;
}

describe('admin /metrics exposition', function () {
  this.timeout(30_000);
  let tmp: string;
  let sink: OtlpSink;
  let service: Service;
  const sdkWarnings: string[] = [];
  let owners: Map<string, Set<string>>;

  before(async () => {
    // The SDK reports an instrument registered twice with a different description, type or unit here.
    diag.setLogger({
      error: (m: string) => sdkWarnings.push(m), warn: (m: string) => sdkWarnings.push(m),
      info: () => undefined, debug: () => undefined, verbose: () => undefined,
    }, DiagLogLevel.WARN);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'lookout-exposition-'));
    sink = await new OtlpSink().start();
    const config = validateConfig({
      storage: { dir: tmp },
      admin: { endpoint: '127.0.0.1:0' },
      receivers: { otlp: { http: { endpoint: '127.0.0.1:0' }, grpc: { endpoint: '127.0.0.1:0' } } },
      exporters: { otlp: { endpoint: sink.url, batch: { timeout: '50ms' } } },
      rules: { evaluation_interval: '1s' },
    }, 'test', {});
    service = new Service({ config, baseDir: tmp, source: 'test' }, { logger: pino({ level: 'silent' }) });
    owners = recordOwners(service.metrics.meter);
    await service.start();
  });

  after(async () => {
    await service?.shutdown();
    await sink?.stop();
    diag.disable();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('names every metric family once, with no series twice, and Prometheus parses it', async () => {
    const { components } = (service as unknown as { pipeline: { components: unknown[] } }).pipeline;
    const receiver = components.find((c): c is OtlpReceiver => c instanceof OtlpReceiver)!;
    const span = { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'GET /', kind: 2, startTimeUnixNano: BigInt(Date.now() - 5) * 1_000_000n, endTimeUnixNano: BigInt(Date.now()) * 1_000_000n };
    const body = Buffer.from(encodeProtoRequest('traces', { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'app' } }] }, scopeSpans: [{ spans: [span] }] }] } as never));
    assert.equal((await post(`${receiver.httpUrl}/v1/traces`, body, { headers: PROTO })).status, 200);
    const url = `http://127.0.0.1:${service.admin.address!.port}/metrics`;
    // Every kind of owner has reported: exporter, rules (an evaluation done), notifier, store.
    const text = await waitFor(async () => {
      const t = await (await fetch(url)).text();
      return ['lookout_exporter_sent_items_total', 'lookout_rule_evaluations_total', 'lookout_rule_alerts', 'lookout_alerts', 'lookout_store_series']
        .every((n) => new RegExp(`^# TYPE ${n} `, 'm').test(t)) && t;
    }, { timeoutMs: 20_000, what: 'every owner in /metrics' });

    const fams = families(text);
    const seen = new Map<string, number>();
    for (const f of fams) seen.set(f.name, (seen.get(f.name) ?? 0) + 1);
    assert.deepEqual([...seen].filter(([, n]) => n > 1).map(([name]) => name), [], 'metric families exposed more than once');
    const series = fams.flatMap((f) => f.series);
    assert.deepEqual(series.filter((s, i) => series.indexOf(s) !== i), [], 'series exposed more than once');
    assert.ok(owners.size > 20, `instrument registrations recorded: ${owners.size}`);
    assert.deepEqual([...owners].filter(([, files]) => files.size > 1).map(([name, files]) => `${name}: ${[...files].join(', ')}`), [],
      'instrument names registered by more than one file');
    assert.deepEqual(sdkWarnings.filter((w) => /already been registered|duplicate/i.test(w)), [], 'instruments registered twice with different descriptors');

    // The owners' semantics: the rules' alerts by alertstate, the notifier's as Alertmanager's.
    const states = (name: string) => fams.find((f) => f.name === name)!.series.map((s) => /state="([^"]*)"/.exec(s)?.[1]).sort();
    assert.deepEqual(states('lookout_rule_alerts'), ['firing', 'pending']);
    assert.deepEqual(states('lookout_alerts'), ['active', 'suppressed']);

    // Prometheus' own text parser (promtool 2.42): a family split in two is a parse error (exit 1).
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.ok(!promtool.error, `promtool not runnable: ${String(promtool.error)}`);
    assert.doesNotMatch(promtool.stdout + promtool.stderr, /error while linting|parsing error/, promtool.stdout + promtool.stderr);
    assert.notEqual(promtool.status, 1, promtool.stdout + promtool.stderr);
  });
});
