/**
 * Prometheus' GET /api/v1/status/flags and /api/v1/status/runtimeinfo, in
 * Prometheus 2.42's JSON shapes, for UIs and tools (Grafana, the
 * Prometheus UI) that ask for them. Lookout has no command-line flags of
 * Prometheus', so flags lists the few settings with a Prometheus flag
 * equivalent; runtimeinfo reports the Node process in Go's field names
 * (goroutineCount is the number of active handles, GOMAXPROCS the CPUs).
 */
import os from 'node:os';
import express, { type Router } from 'express';

export interface RuntimeStatusOptions {
  /** When the process started (ms since epoch). */
  startTime: number;
  /** Prometheus flag name -> value, e.g. web.external-url. */
  flags: () => Record<string, string>;
  /** The config reload state, when a reloader runs (else: loaded once at startTime, successfully). */
  reload?: () => { success: boolean; lastSuccessMs: number };
}

export function runtimeStatusRouter(opts: RuntimeStatusOptions): Router {
  const router = express.Router();
  router.get('/api/v1/status/flags', (_req, res) => {
    res.json({ status: 'success', data: opts.flags() });
  });
  router.get('/api/v1/status/runtimeinfo', (_req, res) => {
    const reload = opts.reload?.() ?? { success: true, lastSuccessMs: opts.startTime };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const handles = (process as any).getActiveResourcesInfo?.().length ?? 0;
    res.json({
      status: 'success',
      data: {
        startTime: new Date(opts.startTime).toISOString(),
        CWD: process.cwd(),
        reloadConfigSuccess: reload.success,
        lastConfigTime: new Date(reload.lastSuccessMs).toISOString(),
        corruptionCount: 0,
        goroutineCount: handles,
        GOMAXPROCS: os.availableParallelism(),
        GOGC: '',
        GODEBUG: '',
        storageRetention: 'in-memory',
      },
    });
  });
  return router;
}
