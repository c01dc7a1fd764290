/**
 * An OTLP/HTTP endpoint that only keeps the raw bodies while the load runs and
 * decodes them afterwards. The load generator shares this process: decoding
 * thousands of spans per second here would slow the load down and make the
 * variant that exports more look slower than it is.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { decodeJsonRequest, decodeProtoRequest } from '../../agent/otlp/codec';
import type { Signal } from '../../agent/otlp/model';
import { OtlpSink } from '../../test/helpers/otlp-sink';

const PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };

export class RawSink {
  private readonly bodies: { signal: Signal; gzip: boolean; json: boolean; body: Buffer }[] = [];
  private server?: http.Server;
  requestCount = 0;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requestCount++;
        const signal = PATHS[(req.url ?? '').split('?')[0]];
        if (!signal) return void res.writeHead(404).end();
        const json = (req.headers['content-type'] ?? '').startsWith('application/json');
        this.bodies.push({ signal, json, gzip: req.headers['content-encoding'] === 'gzip', body: Buffer.concat(chunks) });
        // An empty ExportServiceResponse is a valid answer in both encodings.
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Everything received, decoded, as an (unstarted) OtlpSink for the test helpers that read one. */
  decoded(): OtlpSink {
    const sink = new OtlpSink();
    for (const { signal, gzip, json, body } of this.bodies) {
      const raw = gzip ? zlib.gunzipSync(body) : body;
      const data = json ? decodeJsonRequest(signal, raw) : decodeProtoRequest(signal, raw);
      sink.received.push({ signal, encoding: json ? 'json' : 'proto', gzip, headers: {}, data });
    }
    return sink;
  }
}
