/**
 * Service-level self-protection (issue 8, item 7): an unusable storage.dir
 * is one clear error naming the directory before anything starts, and the
 * admin port keeps answering (/readyz 503, /metrics) until the shutdown
 * flush has ended, so the shutdown-drop counters can be scraped.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { Service } from '../../../agent/service/service';
import { validateConfig } from '../../../agent/config/load';
import { encodeProtoRequest } from '../../../agent/otlp/codec';
import { OtlpReceiver } from '../../../agent/receivers/otlp';
import { post, PROTO } from '../receivers/otlp/client';
import { waitFor } from '../../helpers/wait';

function service(dir: string, extra: Record<string, unknown> = {}): Service {
  const config = validateConfig({
    storage: { dir },
    admin: { endpoint: '127.0.0.1:0' },
    receivers: { otlp: { http: { endpoint: '127.0.0.1:0' } } },
    rules: { default_pack: { enabled: false } },
    ...extra,
  }, 'test', {});
  return new Service({ config, baseDir: dir, source: 'test' }, { logger: pino({ level: 'silent' }) });
}

describe('service self-protection', function () {
  this.timeout(20_000);
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(path.join(os.tmpdir(), 'lookout-selfprot-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('storage.dir that is a file: start() fails at once naming the directory, nothing listens', async () => {
    const file = path.join(tmp, 'not-a-dir');
    writeFileSync(file, 'x');
    const s = service(file);
    await assert.rejects(s.start(), (err: Error) => {
      assert.match(err.message, /^storage\.dir: .*not-a-dir is not a directory; set storage\.dir to a writable directory$/);
      return true;
    });
    assert.equal(s.admin.address, undefined, 'the admin server was not started');
    await s.shutdown();
  });

  it('the admin port answers /readyz 503 and /metrics while the shutdown flush runs', async () => {
    // An upstream that accepts connections and never answers: the flush lasts until its deadline.
    const held: net.Socket[] = [];
    const upstream = net.createServer((sock) => { held.push(sock); sock.on('error', () => undefined); });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const port = (upstream.address() as net.AddressInfo).port;
    const s = service(tmp, {
      exporters: { otlp: { endpoint: `http://127.0.0.1:${port}`, timeout: '10s' } },
      service: { shutdown_timeout: '3s' },
    });
    try {
      await s.start();
      // The exporter has the id "otlp" too: find the receiver by class.
      const { components } = (s as unknown as { pipeline: { components: unknown[] } }).pipeline;
      const receiver = components.find((c): c is OtlpReceiver => c instanceof OtlpReceiver)!;
      const body = Buffer.from(encodeProtoRequest('traces', { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'x' }] }] }] } as never));
      assert.equal((await post(`${receiver.httpUrl}/v1/traces`, body, { headers: PROTO })).status, 200);
      await waitFor(() => held.length > 0, { what: 'the exporter connected upstream' });
      const admin = s.admin.address!;
      const base = `http://127.0.0.1:${admin.port}`;
      let stopped = false;
      const stopping = s.shutdown().then(() => { stopped = true; });
      await waitFor(() => s.currentState === 'stopping', { what: 'stopping' });
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 503);
      const metrics = await fetch(`${base}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /lookout_exporter/);
      assert.equal(stopped, false, 'the flush was still running while the admin port answered');
      await stopping;
      await assert.rejects(fetch(`${base}/readyz`), 'the admin port closes after the flush');
    } finally {
      await s.shutdown();
      for (const sock of held) sock.destroy();
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });
});
