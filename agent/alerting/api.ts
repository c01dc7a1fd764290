/**
 * Alertmanager API v2 on the admin server: silences (list, get, create or
 * update, expire) and alerts, in Alertmanager's JSON shapes so amtool-style
 * scripts and SREs' curl habits work; plus Lookout's POST /api/v1/alerts/test,
 * which routes a LookoutTestAlert through the real configuration and answers
 * which receivers it went to.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Notifier } from './notifier';
import { silenceState, SilenceError, type PostableSilence, type Silence } from './silence';

function gettable(s: Silence, now: number) {
  return {
    id: s.id,
    status: { state: silenceState(s, now) },
    updatedAt: new Date(s.updatedAt).toISOString(),
    matchers: s.matchers,
    startsAt: new Date(s.startsAt).toISOString(),
    endsAt: new Date(s.endsAt).toISOString(),
    createdBy: s.createdBy,
    comment: s.comment,
  };
}

function fail(res: Response, err: unknown): void {
  if (err instanceof SilenceError) {
    res.status(err.status).json(err.message);
    return;
  }
  res.status(500).json((err as Error).message);
}

const STATE_ORDER = { active: 0, pending: 1, expired: 2 } as const;

export function alertingApiRouter(notifier: Notifier): Router {
  const now = () => notifier.currentTime();
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/api/v2/silences', (_req: Request, res: Response) => {
    try {
      const t = now();
      const list = notifier.silences().list().map((s) => gettable(s, t));
      // Alertmanager's order: active, then pending, then expired.
      list.sort((a, b) => STATE_ORDER[a.status.state] - STATE_ORDER[b.status.state] || a.endsAt.localeCompare(b.endsAt));
      res.json(list);
    } catch (err) { fail(res, err); }
  });

  router.post('/api/v2/silences', (req: Request, res: Response) => {
    try {
      const id = notifier.silences().upsert(req.body as PostableSilence);
      res.json({ silenceID: id });
    } catch (err) { fail(res, err); }
  });

  router.get('/api/v2/silence/:id', (req: Request, res: Response) => {
    try {
      const s = notifier.silences().get(String(req.params.id));
      if (!s) { res.status(404).json(`silence ${req.params.id} not found`); return; }
      res.json(gettable(s, now()));
    } catch (err) { fail(res, err); }
  });

  router.delete('/api/v2/silence/:id', (req: Request, res: Response) => {
    try {
      notifier.silences().expire(String(req.params.id));
      res.status(200).end();
    } catch (err) { fail(res, err); }
  });

  router.get('/api/v2/alerts', (_req: Request, res: Response) => {
    res.json(notifier.listAlerts());
  });

  router.post('/api/v1/alerts/test', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { labels?: unknown; annotations?: unknown };
    const isStringMap = (v: unknown): v is Record<string, string> =>
      v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'));
    if (!isStringMap(body.labels) || !isStringMap(body.annotations)) {
      res.status(400).json({ status: 'error', error: 'labels and annotations must be objects of strings' });
      return;
    }
    try {
      const receivers = notifier.testAlert(body.labels ?? {}, body.annotations ?? {});
      res.json({ status: 'success', data: { alertname: 'LookoutTestAlert', receivers } });
    } catch (err) {
      res.status(400).json({ status: 'error', error: (err as Error).message });
    }
  });

  return router;
}
