/**
 * A local HTTP endpoint (127.0.0.1, ephemeral port) standing in for Slack,
 * PagerDuty or a webhook receiver: it records every request and answers
 * with a scriptable status (or hangs, to simulate a dead endpoint).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest { method: string; path: string; headers: http.IncomingHttpHeaders; body: any }

export class Recorder {
  readonly requests: RecordedRequest[] = [];
  /** Returns the status for the n-th request (0-based); 'hang' never answers. */
  respond: (n: number) => number | 'hang' = () => 200;
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* keep the text */ }
      const n = this.attempts++;
      const status = this.respond(n);
      if (status === 'hang') { this.hung.push(res); return; }
      if (status >= 200 && status < 300) this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'failure');
    });
  });
  private hung: http.ServerResponse[] = [];
  attempts = 0;
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const r of this.hung) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
