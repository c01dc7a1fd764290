/**
 * A webhook sink on a free loopback port recording every payload by URL
 * path, so Alertmanager (`/am/<scenario>/<receiver>`) and Lookout
 * (`/lk/<scenario>/<receiver>`) deliver to the same server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { webhookPayload } from '../../../agent/notify/webhook';

/** Alertmanager's webhook payload, version 4 (the shape both sides send; parsed JSON, so nothing is trusted). */
export type WebhookPayload = ReturnType<typeof webhookPayload>;

export class WebhookSink {
  readonly received = new Map<string, WebhookPayload[]>();
  private constructor(private readonly server: http.Server, readonly base: string) {}

  static async start(): Promise<WebhookSink> {
    let sink: WebhookSink | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload;
          const list = sink!.received.get(req.url ?? '') ?? [];
          list.push(body);
          sink!.received.set(req.url ?? '', list);
          res.writeHead(200).end('ok');
        } catch {
          res.writeHead(400).end('bad json');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    sink = new WebhookSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return sink;
  }

  /** Payloads whose path starts with prefix, in arrival order. */
  under(prefix: string): WebhookPayload[] {
    return [...this.received.entries()].filter(([p]) => p.startsWith(prefix)).flatMap(([, l]) => l);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
