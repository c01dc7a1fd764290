/**
 * The demo service (port of the seed chapter's FastAPI monitoring app) as an
 * Express app. It has no OpenTelemetry code: traces, metrics and logs come
 * from Lookout's preload (`lookout inject`); it uses the toolkit for errors,
 * retries, the breaker and structured logs.
 *
 *   GET /                  service banner
 *   GET /health            status, timestamp, uptime
 *   GET /simulate/error    500 with probability DEMO_ERROR_RATE (80 %)
 *   GET /simulate/slow     answers after 1-5 s (DEMO_SLOW_MIN_MS..DEMO_SLOW_MAX_MS)
 *   GET /dependency        calls the flaky inventory service with retry + circuit breaker
 *   GET /internal/inventory  the flaky inventory service itself
 *
 * The seed's /metrics and /alerts/test are the agent's job here: metrics on
 * its admin port (/metrics, /api/v1/query), alerts from its rule files.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { LookoutError, ServiceUnavailableError, ConfigurationError, type StructuredLogger } from '../../instrumentation';
import type { DemoConfig } from './config';
import { DependencyClient } from './dependency-client';
import { inventoryHandler } from './inventory';

export interface DemoDeps {
  logger: StructuredLogger;
  /** Randomness in [0, 1); injectable for tests. */
  random?: () => number;
  /** The app's own base URL once listening (the default dependency location). */
  selfUrl: () => string;
  now?: () => number;
}

export interface DemoApp {
  app: express.Express;
  dependency: DependencyClient;
}

function statusFor(err: unknown): number {
  if (err instanceof ServiceUnavailableError) return 503;
  if (err instanceof ConfigurationError) return 500;
  return 500;
}

export function createDemoApp(config: DemoConfig, deps: DemoDeps): DemoApp {
  const { logger } = deps;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const dependency = new DependencyClient({
    url: () => config.dependencyUrl ?? deps.selfUrl(),
    timeoutMs: config.dependencyTimeoutMs,
    breakerFailures: config.breakerFailures,
    breakerOpenMs: config.breakerOpenMs,
    baseDelayMs: config.retryBaseDelayMs,
    logger,
  });
  const app = express();
  app.disable('x-powered-by');

  // Seed: metrics_middleware's logging half (the metrics half is the preload's HTTP instrumentation).
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    logger.info('HTTP request received', { method: req.method, path: req.path, client_ip: req.ip });
    res.on('finish', () => {
      const fields = {
        method: req.method,
        path: req.path,
        status_code: res.statusCode,
        duration_seconds: Number(process.hrtime.bigint() - started) / 1e9,
      };
      if (res.statusCode >= 500) logger.warning('HTTP request completed with a server error', fields);
      else logger.info('HTTP request completed', fields);
    });
    next();
  });

  app.get('/', (_req, res) => {
    res.json({ message: 'Lookout demo API', status: 'healthy' });
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'healthy', timestamp: new Date(now()).toISOString(), uptime_seconds: (now() - startedAt) / 1000 });
  });

  app.get('/simulate/error', (_req, res) => {
    logger.warning('Simulating error for testing');
    if (random() < config.errorRate) {
      throw new LookoutError('Simulated error', { endpoint: '/simulate/error', error_rate: config.errorRate });
    }
    res.json({ message: 'No error this time!' });
  });

  app.get('/simulate/slow', async (_req, res) => {
    const delayMs = config.slowMinMs + random() * (config.slowMaxMs - config.slowMinMs);
    logger.info('Simulating slow response', { delay_seconds: delayMs / 1000 });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    res.json({ message: `Delayed response after ${(delayMs / 1000).toFixed(2)} seconds` });
  });

  app.get('/dependency', async (_req, res) => {
    const result = await dependency.fetchInventory();
    res.json({ message: 'Inventory fetched', ...result });
  });

  app.get('/internal/inventory', inventoryHandler(config.dependencyFailureRate, random));

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ detail: 'Not Found' });
  });

  // Seed: HTTPException -> {"detail": ...}; here with the taxonomy's JSON alongside.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = statusFor(err);
    const error = err instanceof LookoutError ? err : new LookoutError('Unexpected error', { original_error: String(err) }, { cause: err });
    logger.error('HTTP request failed', err, { method: req.method, path: req.path, status_code: status });
    res.status(status).json({ detail: error.message, error: error.toJSON() });
  });

  return { app, dependency };
}
