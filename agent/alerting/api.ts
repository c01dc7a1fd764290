/**
 * Alertmanager API v2 on the admin server: silences (list, get, create or
 * update, expire), alerts and alert groups (with Alertmanager's filters),
 * receivers, status and /-/healthy, /-/ready, in
 * Alertmanager's JSON shapes so amtool and SREs' curl habits work; plus
 * Lookout's POST /api/v1/alerts/test,
 * which routes a LookoutTestAlert through the real configuration and answers
 * which receivers it went to.
 */
import express, { type Request, type Response, type Router } from 'express';
import { renderAlertingConfig } from './config-render';
import { anchoredRegex, type GoRegexp } from '../regex';
import { parseMatchers, type Matcher } from './matcher';
import { AlertLimitError } from './limits';
import type { AlertFilter, Notifier } from './notifier';
import { compareSilences, silenceMatchesFilter, silenceState, SilenceError, type PostableSilence, type Silence } from './silence';
import { BUILD_INFO } from '../telemetry/build-info';
import { runtimeStatusRouter } from '../api/prometheus/runtime-status';

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

/** Alertmanager leaves generatorURL out when an alert has none. */
function omitEmptyURL<T extends { generatorURL: string }>(a: T): T | Omit<T, 'generatorURL'> {
  if (a.generatorURL) return a;
  const { generatorURL: _, ...rest } = a;
  return rest;
}

function fail(res: Response, err: unknown): void {
  if (err instanceof SilenceError) {
    res.status(err.status).json(err.message);
    return;
  }
  res.status(500).json((err as Error).message);
}

/** Alertmanager's `filter` query parameter: repeated, each one matcher (`alertname="X"`, `job=~"a|b"`). */
function filterMatchers(q: unknown): Matcher[] {
  const list = q === undefined ? [] : Array.isArray(q) ? q : [q];
  const out: Matcher[] = [];
  for (const item of list) {
    if (typeof item !== 'string') throw new SilenceError('filter must be a matcher string such as alertname="X"', 400);
    try {
      out.push(...parseMatchers(item));
    } catch (err) {
      throw new SilenceError(`bad filter: ${(err as Error).message}`, 400);
    }
  }
  return out;
}

function boolParam(q: unknown, name: string): boolean | undefined {
  if (q === undefined) return undefined;
  if (q === 'true') return true;
  if (q === 'false') return false;
  throw new SilenceError(`${name} must be true or false`, 400);
}

function alertFilter(req: Request): AlertFilter {
  const q = req.query;
  let receiver: GoRegexp | undefined;
  if (typeof q.receiver === 'string' && q.receiver !== '') {
    try {
      receiver = anchoredRegex(q.receiver);
    } catch (err) {
      throw new SilenceError(`bad receiver: ${(err as Error).message}`, 400);
    }
  }
  return {
    matchers: filterMatchers(q.filter),
    active: boolParam(q.active, 'active'),
    silenced: boolParam(q.silenced, 'silenced'),
    inhibited: boolParam(q.inhibited, 'inhibited'),
    receiver,
  };
}

export function alertingApiRouter(notifier: Notifier): Router {
  const now = () => notifier.currentTime();
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/api/v2/silences', (req: Request, res: Response) => {
    try {
      const t = now();
      const filter = filterMatchers(req.query.filter);
      const list = notifier.silences().list().filter((s) => silenceMatchesFilter(s, filter));
      list.sort((a, b) => compareSilences(a, b, t));
      res.json(list.map((s) => gettable(s, t)));
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

  router.get('/api/v2/alerts', (req: Request, res: Response) => {
    try {
      // Alertmanager answers in fingerprint order (amtool prints the list as it comes).
      res.json(notifier.listAlerts(alertFilter(req)).sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)).map(omitEmptyURL));
    } catch (err) { fail(res, err); }
  });

  // Alertmanager's status shape; the agent has no cluster, so it reports clustering as disabled.
  router.get('/api/v2/status', (_req: Request, res: Response) => {
    try {
      res.json({
        cluster: { status: 'disabled', peers: [] },
        versionInfo: {
          version: BUILD_INFO.version, revision: '', branch: '', buildUser: '', buildDate: '', goVersion: `lookout (node ${BUILD_INFO.nodeVersion})`,
        },
        config: { original: renderAlertingConfig(notifier.config) },
        uptime: new Date(notifier.startTime).toISOString(),
      });
    } catch (err) { fail(res, err); }
  });

  router.get('/api/v2/alerts/groups', (req: Request, res: Response) => {
    try {
      res.json(notifier.listAlertGroups(alertFilter(req)).map((g) => ({ ...g, alerts: g.alerts.map(omitEmptyURL) })));
    } catch (err) { fail(res, err); }
  });

  router.get('/api/v2/receivers', (_req: Request, res: Response) => {
    res.json(notifier.receiverNames().map((name) => ({ name })));
  });

  // Alertmanager's health and readiness endpoints (load balancers, Grafana's Alertmanager data source).
  for (const p of ['/-/healthy', '/-/ready']) {
    router.get(p, (_req: Request, res: Response) => { res.status(200).type('text/plain').send('OK'); });
    router.head(p, (_req: Request, res: Response) => { res.status(200).end(); });
  }

  router.use(runtimeStatusRouter({
    startTime: Date.now() - process.uptime() * 1000,
    flags: () => ({ 'web.external-url': notifier.config.external_url ?? '', 'alertmanager.resolve-timeout': `${notifier.config.global.resolve_timeout / 1000}s` }),
  }));

  router.post('/api/v1/alerts/test', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { labels?: unknown; annotations?: unknown };
    const isStringMap = (v: unknown): v is Record<string, string> =>
      v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'));
    if (!isStringMap(body.labels) || !isStringMap(body.annotations)) {
      res.status(400).json({ status: 'error', error: 'labels and annotations must be objects of strings' });
      return;
    }
    try {
      const result = notifier.testAlert(body.labels ?? {}, body.annotations ?? {});
      // Prometheus API style: still a success (the alert is stored and listed), with a warning nobody was told.
      res.json({ status: 'success', data: { alertname: 'LookoutTestAlert', ...result }, ...(result.warning ? { warnings: [result.warning] } : {}) });
    } catch (err) {
      res.status(err instanceof AlertLimitError ? 429 : 400).json({ status: 'error', error: (err as Error).message });
    }
  });

  return router;
}
