/**
 * A test upstream: an OTLP/HTTP endpoint that decodes what it receives with
 * Lookout's codec and keeps it for assertions. Its answers can be scripted
 * (status codes, Retry-After) to test an exporter's retry behaviour.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { decodeJsonRequest, decodeProtoRequest, encodeResponse } from '../../agent/otlp/codec';
import type { Signal, SignalData } from '../../agent/otlp/model';

export interface ReceivedRequest<S extends Signal = Signal> {
  signal: S;
  encoding: 'proto' | 'json';
  gzip: boolean;
  headers: http.IncomingHttpHeaders;
  data: SignalData[S];
  /** The body as received, decompressed (to check byte forwarding); set by OtlpSink. */
  body?: Buffer;
}

/**
 * A scripted answer. `reset` destroys the connection without answering
 * (ECONNRESET at the client); `hang` never answers (until stop()), for
 * client timeouts. Otherwise status/headers/body are sent as given.
 */
export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  reset?: boolean;
  hang?: boolean;
}

export class OtlpSink {
  readonly received: ReceivedRequest[] = [];
  /** Answers to give before the default 200, consumed in order (one per request). */
  readonly script: ScriptedAnswer[] = [];
  requestCount = 0;
  /** Date.now() when each request's body had fully arrived, scripted ones included. */
  readonly requestTimes: number[] = [];
  private server?: http.Server;
  url = '';

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const s = this.server;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  of<S extends Signal>(signal: S): SignalData[S][] {
    return this.received.filter((r) => r.signal === signal).map((r) => r.data as SignalData[S]);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requestCount++;
      this.requestTimes.push(Date.now());
      const scripted = this.script.shift();
      if (scripted) {
        if (scripted.reset) {
          req.socket.destroy();
          return;
        }
        if (scripted.hang) return;
        res.writeHead(scripted.status ?? 200, scripted.headers ?? {});
        res.end(scripted.body ?? '');
        return;
      }
      const signal = ({ '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' } as Record<string, Signal>)[
        (req.url ?? '').split('?')[0]
      ];
      if (!signal) {
        res.writeHead(404).end('unknown path');
        return;
      }
      let body: Buffer = Buffer.concat(chunks);
      const gzip = req.headers['content-encoding'] === 'gzip';
      if (gzip) body = zlib.gunzipSync(body);
      const encoding = (req.headers['content-type'] ?? '').startsWith('application/json') ? 'json' : 'proto';
      try {
        const data = encoding === 'json' ? decodeJsonRequest(signal, body) : decodeProtoRequest(signal, body);
        this.received.push({ signal, encoding, gzip, headers: req.headers, data, body });
        res.writeHead(200, { 'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf' });
        res.end(encodeResponse(signal, encoding));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
      }
    });
  }
}
