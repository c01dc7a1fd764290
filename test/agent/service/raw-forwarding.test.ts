/**
 * Byte forwarding (agent/otlp/raw.ts): the real OTLP receiver and exporter in
 * one service, exporting to a test upstream. When nothing changes a protobuf
 * request, the upstream gets exactly the bytes the app sent; whenever
 * something may have changed it (redaction replaced a secret, validation
 * dropped a span, an attributes processor, OTLP/JSON input), the upstream
 * gets the changed request, encoded again, and never the received bytes.
 * The real SDK's round trip through both paths is test/e2e/otlp-forwarding.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { encodeJsonRequest, encodeProtoRequest } from '../../../agent/otlp/codec';
import type { ExportTraceServiceRequest, KeyValue } from '../../../agent/otlp/model';
import type { OtlpReceiver } from '../../../agent/receivers/otlp';
import type { Service } from '../../../agent/service/service';
import { OtlpSink } from '../../helpers/otlp-sink';
import { waitFor } from '../../helpers/wait';
import { assertExportSucceeded, assertSpansArrived, exportWith, makeSpans } from '../receivers/otlp/sdk-data';
import { serviceFromYaml, testRegistry } from './pipeline-fixtures';

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const SECRET = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc9Xq2';

function request(names: string[], extra: KeyValue[] = [], badTraceIdAt = -1): ExportTraceServiceRequest {
  const end = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceSpans: [{
      resource: { attributes: [str('service.name', 'raw-test')] },
      scopeSpans: [{ scope: { name: 'raw' }, spans: names.map((name, i) => ({
        traceId: Buffer.alloc(i === badTraceIdAt ? 8 : 16, i + 1), spanId: Buffer.alloc(8, i + 1), name, kind: 2,
        startTimeUnixNano: (end - 1_000_000n).toString(), endTimeUnixNano: end.toString(),
        attributes: [str('http.route', `/items/${i}`), ...extra],
      })) }],
    }],
  } as unknown as ExportTraceServiceRequest;
}

async function post(url: string, body: Uint8Array | string, contentType = 'application/x-protobuf'): Promise<number> {
  const res = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': contentType }, body });
  await res.arrayBuffer();
  return res.status;
}

const spanNames = (r: ExportTraceServiceRequest) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name)));
const attr = (r: ExportTraceServiceRequest, key: string) => r.resourceSpans[0].scopeSpans[0].spans[0].attributes?.find((a) => a.key === key)?.value?.stringValue;

describe('byte forwarding: the received protobuf bytes go upstream only when nothing changed them', function () {
  this.timeout(30_000);
  let dir: string;
  let service: Service;
  const sinks: OtlpSink[] = [];

  async function start(yaml: (a: string, b: string) => string): Promise<{ url: string; a: OtlpSink; b: OtlpSink }> {
    const a = await new OtlpSink().start();
    const b = await new OtlpSink().start();
    sinks.push(a, b);
    service = serviceFromYaml(yaml(a.url, b.url), dir, testRegistry());
    await service.start();
    const receiver = service.pipelineComponent<OtlpReceiver>('receiver', 'otlp')!;
    return { url: `http://${receiver.httpAddress}`, a, b };
  }

  const receiverYaml = 'receivers: { otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } } }';
  const exporter = (url: string, storage: 'disk' | 'memory' = 'disk') =>
    `{ endpoint: ${url}, sending_queue: { storage: ${storage} }, batch: { timeout: 10ms }, retry_on_failure: { enabled: false } }`;
  /** The default pipelines: redaction (default config) before the exporter and spanmetrics. */
  const defaults = (storage: 'disk' | 'memory') => (a: string) => `${receiverYaml}\nexporters: { otlp: ${exporter(a, storage)} }`;

  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-raw-')); });
  afterEach(async () => {
    await service?.shutdown();
    for (const s of sinks.splice(0)) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const storage of ['disk', 'memory'] as const) {
    it(`fast path (${storage} queue): an unchanged protobuf request reaches the upstream byte for byte`, async () => {
      const { url, a } = await start(defaults(storage));
      const body = encodeProtoRequest('traces', request(['GET /a', 'GET /b']));
      assert.equal(await post(url, body), 200);
      await waitFor(() => a.of('traces').length === 1, { what: 'the upstream got the request' });
      assert.ok(a.received[0].body!.equals(body), 'the upstream body is the received body');
    });
  }

  it('fast path with the real SDK (http/protobuf): every field arrives', async () => {
    const { url, a } = await start(defaults('disk'));
    const spans = await makeSpans('raw');
    const sdk = new OTLPTraceExporter({ url: `${url}/v1/traces` });
    assertExportSucceeded(await exportWith(sdk, spans), 'SDK');
    await sdk.shutdown();
    await waitFor(() => a.of('traces').reduce((n, r) => n + spanNames(r).length, 0) === spans.length, { what: 'every span upstream' });
    assertSpansArrived(spans, a.of('traces'));
  });

  it('slow path: redaction replaced a secret, so the upstream gets the redacted value and never the received bytes', async () => {
    const { url, a } = await start(defaults('disk'));
    const body = encodeProtoRequest('traces', request(['POST /pay'], [str('payment.note', `api_key=${SECRET}`)]));
    assert.equal(await post(url, body), 200);
    await waitFor(() => a.of('traces').length === 1, { what: 'the upstream got the request' });
    const got = a.received[0];
    assert.ok(!got.body!.equals(body), 'not the received bytes');
    assert.ok(!got.body!.includes(SECRET), 'the secret is not in what went upstream');
    const note = attr(got.data as ExportTraceServiceRequest, 'payment.note');
    assert.ok(note && !note.includes(SECRET) && note.startsWith('api_key='), `redacted value upstream: ${note}`);
    // A clean request right after still takes the fast path (the drop was for that request only).
    const clean = encodeProtoRequest('traces', request(['GET /clean']));
    assert.equal(await post(url, clean), 200);
    await waitFor(() => a.of('traces').length === 2, { what: 'the second request upstream' });
    assert.ok(a.received[1].body!.equals(clean));
  });

  it('slow path: validation dropped a span, so the upstream never gets it', async () => {
    const { url, a } = await start(defaults('disk'));
    const body = encodeProtoRequest('traces', request(['GET /good', 'GET /bad-trace-id', 'GET /good-too'], [], 1));
    const res = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    await waitFor(() => a.of('traces').length === 1, { what: 'the upstream got the request' });
    assert.deepEqual(spanNames(a.of('traces')[0]), ['GET /good', 'GET /good-too']);
    assert.ok(!a.received[0].body!.equals(body));
  });

  it('slow path: OTLP/JSON input is encoded to protobuf field for field', async () => {
    const { url, a } = await start(defaults('disk'));
    const sent = request(['GET /json']);
    assert.equal(await post(url, encodeJsonRequest('traces', sent), 'application/json'), 200);
    await waitFor(() => a.of('traces').length === 1, { what: 'the upstream got the request' });
    assert.equal(a.received[0].encoding, 'proto');
    assert.ok(a.received[0].body!.equals(encodeProtoRequest('traces', sent)), 'the same protobuf as the request encoded directly');
  });

  it('an attributes processor in one pipeline: its upstream gets the change, the other pipeline still forwards the bytes', async () => {
    const { url, a, b } = await start((ua, ub) => `${receiverYaml}
processors: { attributes: { actions: [{ key: deployment.environment, value: prod, action: insert }] } }
exporters: { otlp/a: ${exporter(ua)}, otlp/b: ${exporter(ub, 'memory')} }
service: { pipelines: {
  traces/a: { receivers: [otlp], processors: [attributes], exporters: [otlp/a] },
  traces/b: { receivers: [otlp], processors: [redaction], exporters: [otlp/b] } } }`);
    const body = encodeProtoRequest('traces', request(['GET /both']));
    assert.equal(await post(url, body), 200);
    await waitFor(() => a.of('traces').length === 1 && b.of('traces').length === 1, { what: 'both upstreams got the request' });
    assert.equal(attr(a.of('traces')[0], 'deployment.environment'), 'prod');
    assert.ok(!a.received[0].body!.equals(body), 'the changed request is encoded again');
    assert.equal(attr(b.of('traces')[0], 'deployment.environment'), undefined, 'the other branch does not see the change');
    assert.ok(b.received[0].body!.equals(body), 'the unchanged branch forwards the received bytes');
  });

  it('an attributes processor alone (no other branch): the bytes are dropped on entry', async () => {
    const { url, a } = await start((ua) => `${receiverYaml}
processors: { attributes: { actions: [{ key: http.route, action: delete }] } }
exporters: { otlp: ${exporter(ua)} }
service: { pipelines: { traces: { receivers: [otlp], processors: [attributes], exporters: [otlp] } } }`);
    const body = encodeProtoRequest('traces', request(['GET /one']));
    assert.equal(await post(url, body), 200);
    await waitFor(() => a.of('traces').length === 1, { what: 'the upstream got the request' });
    assert.equal(attr(a.of('traces')[0], 'http.route'), undefined);
    assert.ok(!a.received[0].body!.equals(body));
  });
});
