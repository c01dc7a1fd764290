/**
 * The admin HTTP server: health (/healthz), readiness (/readyz), the agent's
 * metrics (/metrics) and the routers components mount (Prometheus query API,
 * rules, silences). One port, like Prometheus' web handler.
 */
import express, { type Router } from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { splitEndpoint } from '../config/endpoint';
import type { SelfMetrics } from '../telemetry/self-metrics';

export type Readiness = () => { ready: boolean; reason: string };

export class AdminServer {
  /** Components mount their APIs here; it sits after the built-in routes. */
  readonly router: Router = express.Router();
  private server?: http.Server;
  private stopped = false;

  constructor(
    private readonly endpoint: string,
    private readonly metrics: SelfMetrics,
    private readonly readiness: Readiness,
    private readonly logger: Logger,
  ) {}

  get address(): { host: string; port: number } | undefined {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? { host: a.address, port: a.port } : undefined;
  }

  async start(): Promise<void> {
    const app = express();
    app.disable('x-powered-by');
    app.get('/healthz', (_req, res) => {
      res.type('text/plain').send('OK\n');
    });
    app.get('/readyz', (_req, res) => {
      const { ready, reason } = this.readiness();
      res.status(ready ? 200 : 503).type('text/plain').send(ready ? 'OK\n' : `not ready: ${reason}\n`);
    });
    app.get('/metrics', (_req, res) => {
      streamMetrics(this.metrics, res).catch((err: Error) => {
        this.logger.error({ err }, 'rendering /metrics failed');
        if (!res.headersSent) res.status(500).type('text/plain').send(`rendering metrics failed: ${err.message}\n`);
        else res.destroy(err);
      });
    });
    app.use(this.router);
    app.use((_req, res) => {
      res.status(404).type('text/plain').send('not found\n');
    });
    const { host, port } = splitEndpoint(this.endpoint);
    const server = http.createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`admin server cannot listen on ${this.endpoint}: ${err.message} (set admin.endpoint)`)));
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.logger.info({ endpoint: `${this.address?.host}:${this.address?.port}` }, 'admin server listening');
  }

  async shutdown(): Promise<void> {
    if (this.stopped || !this.server) return;
    this.stopped = true;
    const s = this.server;
    s.closeIdleConnections();
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      setTimeout(() => { s.closeAllConnections(); }, 1000).unref();
    });
  }
}

/** Writes the /metrics body chunk by chunk, waiting for the client to drain (a slow scraper holds one chunk, not the body). */
async function streamMetrics(metrics: SelfMetrics, res: express.Response): Promise<void> {
  let started = false;
  for await (const chunk of metrics.renderChunks()) {
    if (res.destroyed) return;
    if (!started) {
      res.status(200).type('text/plain; version=0.0.4; charset=utf-8');
      started = true;
    }
    if (!res.write(chunk)) await new Promise<void>((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
  }
  if (!started) res.status(200).type('text/plain; version=0.0.4; charset=utf-8');
  res.end();
}
