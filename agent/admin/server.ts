/**
 * The admin HTTP server: health (/healthz), readiness (/readyz), the agent's
 * metrics (/metrics), the loaded config with secrets masked
 * (/api/v1/status/config), POST /-/reload, and the routers components mount
 * (Prometheus query API, rules, silences). One port, like Prometheus' web
 * handler; HTTPS and client certificates when the web config file has
 * tls_server_config. Every request passes the guard (guard.ts) first.
 */
import express, { type Router } from 'express';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { splitEndpoint } from '../config/endpoint';
import type { SelfMetrics } from '../telemetry/self-metrics';
import type { AdminConfig } from './config';
import { AdminGuard } from './guard';
import { loadAdminSecurity, type AdminSecurity } from './security';
import { drainedOrClosed } from './drain';
import { uiRouter } from '../ui/serve';

export type Readiness = () => { ready: boolean; reason: string };

/** What POST /-/reload answers: Prometheus answers 200 on success and 500 with the error otherwise. */
export interface ReloadOutcome {
  ok: boolean;
  problems: string[];
  needsRestart: string[];
}

function tlsOptions(tls: NonNullable<AdminSecurity['tls']>): https.ServerOptions {
  return {
    cert: tls.cert, key: tls.key, ca: tls.ca, minVersion: tls.minVersion,
    requestCert: tls.clientAuth !== 'NoClientCert',
    rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert',
  };
}

export class AdminServer {
  /** Components mount their APIs here; it sits after the built-in routes. */
  readonly router: Router = express.Router();
  private server?: http.Server | https.Server;
  private stopped = false;
  private security: AdminSecurity;
  private guard?: AdminGuard;
  private statusConfig?: () => string;
  private reloadHandler?: () => Promise<ReloadOutcome>;

  /** Throws AdminSecurityError when the web config or token file is invalid. */
  constructor(
    private config: AdminConfig,
    private readonly baseDir: string,
    private readonly metrics: SelfMetrics,
    private readonly readiness: Readiness,
    private readonly logger: Logger,
  ) {
    this.security = loadAdminSecurity(config, baseDir);
  }

  get address(): { host: string; port: number } | undefined {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? { host: a.address, port: a.port } : undefined;
  }

  get tls(): boolean {
    return this.security.tls !== undefined;
  }

  /** GET /api/v1/status/config answers this (the config as YAML, secrets masked). */
  setStatusConfig(fn: () => string): void {
    this.statusConfig = fn;
  }

  /** POST /-/reload runs this. */
  setReloadHandler(fn: () => Promise<ReloadOutcome>): void {
    this.reloadHandler = fn;
  }

  /**
   * Applies a new admin section in place: credentials, CORS, limits, the TLS
   * certificate. Returns what needs a restart (a new listen address, TLS
   * turned on or off). Throws AdminSecurityError before changing anything.
   */
  applyConfig(config: AdminConfig): string[] {
    const next = loadAdminSecurity(config, this.baseDir);
    const needsRestart: string[] = [];
    if (config.endpoint !== this.config.endpoint) needsRestart.push(`admin.endpoint (${this.config.endpoint} -> ${config.endpoint})`);
    if (Boolean(next.tls) !== Boolean(this.security.tls)) needsRestart.push('admin.web_config_file tls_server_config (turning TLS on or off)');
    else if (next.tls && this.server instanceof https.Server) this.server.setSecureContext(tlsOptions(next.tls));
    // The loopback check follows the address actually bound until a restart.
    next.guard.loopback = this.security.guard.loopback;
    this.guard?.update(next.guard);
    this.security = next;
    this.config = config;
    return needsRestart;
  }

  async start(): Promise<void> {
    const app = express();
    app.disable('x-powered-by');
    const guard = new AdminGuard(this.security.guard, this.metrics.meter, this.logger);
    this.guard = guard;
    app.use(guard.cors());
    app.use(guard.middleware());
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
    app.get('/api/v1/status/config', (_req, res) => {
      if (!this.statusConfig) { res.status(503).json({ status: 'error', errorType: 'unavailable', error: 'config not loaded yet' }); return; }
      res.json({ status: 'success', data: { yaml: this.statusConfig() } });
    });
    app.post('/-/reload', (_req, res) => {
      if (!this.reloadHandler) { res.status(503).type('text/plain').send('reload is not available\n'); return; }
      this.reloadHandler().then((outcome) => {
        const text = outcome.ok
          ? `config reloaded${outcome.needsRestart.length ? `; needs restart to apply: ${outcome.needsRestart.join(', ')}` : ''}\n`
          : `failed to reload config:\n${outcome.problems.join('\n')}\n`;
        res.status(outcome.ok ? 200 : 500).type('text/plain').send(text);
      }, (err: Error) => {
        res.status(500).type('text/plain').send(`failed to reload config: ${err.message}\n`);
      });
    });
    app.use(uiRouter()); // the web UI at / (agent/ui), behind the guard like every route
    app.use(this.router);
    app.use((_req, res) => {
      res.status(404).type('text/plain').send('not found\n');
    });
    const { host, port } = splitEndpoint(this.config.endpoint);
    const tls = this.security.tls;
    const server = tls ? https.createServer(tlsOptions(tls), app) : http.createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`admin server cannot listen on ${this.config.endpoint}: ${err.message} (set admin.endpoint)`)));
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const g = this.security.guard;
    this.logger.info({
      endpoint: `${this.address?.host}:${this.address?.port}`, tls: Boolean(tls), auth: g.checker.configured,
      protectReads: g.protectReads,
    }, 'admin server listening');
    if (!g.checker.configured && !g.loopback) {
      this.logger.warn(g.allowUnauthenticatedWrites
        ? 'admin port on a non-loopback address without authentication, and admin.auth.allow_unauthenticated_writes is true: anyone who reaches it can silence alerts'
        : 'admin port on a non-loopback address without authentication: mutating calls answer 403 until admin.web_config_file or admin.auth.token_file is set');
    }
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
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  if (!started) res.status(200).type('text/plain; version=0.0.4; charset=utf-8');
  res.end();
}
