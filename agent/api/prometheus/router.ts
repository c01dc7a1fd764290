/**
 * Prometheus' HTTP query API over the local store and PromQL engine, same
 * paths, parameters and JSON, so Grafana's Prometheus data source, promtool
 * query, curl habits and client libraries work against the agent:
 *
 *   GET|POST /api/v1/query             query, time, timeout
 *   GET|POST /api/v1/query_range       query, start, end, step, timeout
 *   GET|POST /api/v1/series            match[] (1+), start, end, limit
 *   GET|POST /api/v1/labels            match[], start, end, limit
 *   GET      /api/v1/label/:name/values match[], start, end, limit
 *   GET      /api/v1/metadata          metric, limit, limit_per_metric
 *   GET      /api/v1/status/buildinfo
 *   GET|POST /api/v1/query_exemplars   (always empty: the store keeps no exemplars)
 *
 * POST bodies are application/x-www-form-urlencoded, as Grafana sends them.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Engine, QueryOptions, QueryValue } from '../../promql/types';
import type { QueryGate } from '../../promql/query-gate';
import { QueryContext, runCooperatively } from '../../promql/context';
import type { QueryTelemetry } from './telemetry';
import type { LabelMatcher, Labels, MetricMetadata, Querier, SampleScratch } from '../../store/types';
import { ApiError, STATUS_OF, toApiError } from './errors';
import { compareLabels } from '../../store/label-order';
import {
  errorJson, labelsJson, metadataJson, queryDataJson, stringArrayJson, successJson,
} from './json';
import {
  MAX_TIME, MIN_TIME, formValue, formValues, invalidParam, limitParam, parseDurationParam, parseTime, timeParam,
} from './params';
import { parseSeriesSelector } from './selector';

/** Prometheus' limit on points per series of a range query. */
export const MAX_POINTS_PER_SERIES = 11_000;

export interface BuildInfo {
  version: string;
  revision?: string;
  branch?: string;
  buildUser?: string;
  buildDate?: string;
  goVersion?: string;
}

export interface PrometheusApiOptions {
  engine: Engine;
  querier: Querier;
  /** Metric metadata (type/help/unit per family), e.g. the MemoryStore. */
  metadata?: { metadata(): ReadonlyMap<string, MetricMetadata> };
  /** Answered on /api/v1/status/buildinfo; Grafana reads `version`. */
  buildInfo: BuildInfo;
  /** Clock (ms) for the default query time; injectable for tests. */
  now?: () => number;
  /** Logs internal errors (a bug, not a bad query) and, rate-limited, queries stopped by a limit. */
  logger?: Logger;
  /** Limits how many queries evaluate at once (query.max_concurrency, query.max_queued); absent: no limit. */
  gate?: QueryGate;
  /** Aborts every running query (the agent is shutting down). */
  signal?: AbortSignal;
  /** Counters and gauges of query outcomes (lookout_query_*). */
  telemetry?: QueryTelemetry;
}

/** express.urlencoded's limit: long PromQL expressions from dashboards fit comfortably. */
const FORM_LIMIT = '1mb';

type Handler = (req: Request, signal: AbortSignal) => string | Promise<string>;

export function prometheusApiRouter(opts: PrometheusApiOptions): Router {
  const { engine, querier } = opts;
  const now = opts.now ?? Date.now;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: FORM_LIMIT });

  const send = (handler: Handler) => async (req: Request, res: Response): Promise<void> => {
    // A client that goes away cancels its query; so does the agent stopping.
    const aborter = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) aborter.abort(new Error('client disconnected'));
    };
    res.on('close', onClose);
    const onShutdown = (): void => aborter.abort(new Error('the agent is shutting down'));
    opts.signal?.addEventListener('abort', onShutdown, { once: true });
    if (opts.signal?.aborted) onShutdown();
    let body: string;
    try {
      body = await handler(req, aborter.signal);
    } catch (err) {
      const e = toApiError(err);
      if (e.type === 'internal') opts.logger?.error({ err, path: req.path }, 'Prometheus API: internal error');
      if (!res.headersSent && !res.destroyed) res.status(STATUS_OF[e.type]).type('application/json').send(errorJson(e.type, e.message));
      return;
    } finally {
      res.off('close', onClose);
      opts.signal?.removeEventListener('abort', onShutdown);
    }
    if (!res.destroyed) res.status(200).type('application/json').send(body);
  };

  /**
   * Runs work under the query limits: a slot of the gate, the timeout (the
   * `timeout` parameter capped by query.timeout; queueing included), the
   * abort signal (client gone, agent stopping); outcomes are counted and
   * limit hits logged, `what` (the query or the match[]) naming the request.
   */
  const underLimits = async <T>(req: Request, signal: AbortSignal, what: string, work: (q: QueryOptions) => Promise<T>): Promise<T> => {
    const timeoutMs = timeoutParam(req);
    const q: QueryOptions = { timeoutMs, signal, startedAt: performance.now() };
    try {
      const release = await opts.gate?.acquire(Math.min(timeoutMs ?? Infinity, engine.timeoutMs), signal);
      try {
        const value = await work(q);
        opts.telemetry?.outcome('success');
        return value;
      } finally {
        release?.();
      }
    } catch (err) {
      opts.telemetry?.failed(err, opts.logger, what);
      throw err;
    }
  };

  /** One PromQL query under the limits, answered as Prometheus' JSON. */
  const limited = (req: Request, signal: AbortSignal, run: (q: QueryOptions) => Promise<QueryValue>): Promise<string> =>
    underLimits(req, signal, formValue(req, 'query'), async (q) => successJson(queryDataJson(await run(q))));

  /**
   * Store work of the metadata endpoints (matching match[] against the
   * label index, decoding series) under the same limits, in slices as a
   * query: due() throws Prometheus' timeout/canceled errors and says when
   * to give the event loop a turn.
   */
  const sliced = <T>(req: Request, signal: AbortSignal, match: string[], steps: (due: () => boolean) => Generator<void, T, void>): Promise<T> =>
    underLimits(req, signal, match.join(' '), (q) => {
      const ms = q.timeoutMs !== undefined && q.timeoutMs > 0 ? Math.min(q.timeoutMs, engine.timeoutMs) : engine.timeoutMs;
      const ctx = new QueryContext({ deadline: q.startedAt! + ms, signal });
      return runCooperatively(steps(() => ctx.due()), ctx);
    });

  const both = (path: string, handler: Handler) => {
    router.get(path, send(handler));
    router.post(path, form, send(handler));
  };

  both('/api/v1/query', (req, signal) => {
    const query = formValue(req, 'query');
    const t = timeParam(req, 'time', now());
    return limited(req, signal, (q) => engine.instantQueryAsync(query, t, q));
  });

  both('/api/v1/query_range', (req, signal) => {
    const query = formValue(req, 'query');
    const start = requiredTime(req, 'start');
    const end = requiredTime(req, 'end');
    if (end < start) throw new ApiError('bad_data', 'end timestamp must not be before start time');
    let step: number;
    try {
      step = parseDurationParam(formValue(req, 'step'));
    } catch (err) {
      throw invalidParam('step', err);
    }
    if (!(step > 0)) throw new ApiError('bad_data', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
    // Go divides two Durations (integers): the quotient is truncated.
    if (Math.floor((end - start) / step) > MAX_POINTS_PER_SERIES) {
      throw new ApiError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
    }
    // The engine works in whole milliseconds, as Prometheus' does.
    return limited(req, signal, (q) => engine.rangeQueryAsync(query, start, end, Math.max(1, Math.floor(step)), q));
  });

  both('/api/v1/series', async (req, signal) => {
    const match = formValues(req, 'match[]');
    if (match.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
    const start = timeParam(req, 'start', MIN_TIME);
    const end = timeParam(req, 'end', MAX_TIME);
    const limit = limitParam(req, 'limit');
    // Only whether a series has samples in the window matters: one reused buffer, whatever the window.
    const scratch = new ReusedScratch();
    const all = await sliced(req, signal, match, function* (due) {
      const seen = new Map<string, Labels>();
      for (const matchers of yield* matchSetsSteps(match, due)) {
        const selected = querier.selectSteps ? yield* querier.selectSteps(matchers, start, end, scratch, due) : querier.select(matchers, start, end, scratch);
        for (const s of selected) {
          if (due()) yield;
          if (s.t.length === 0) continue;
          seen.set(seriesKey(s.labels), s.labels);
        }
      }
      return [...seen.values()];
    });
    all.sort(compareLabels);
    const { items, warnings } = truncate(all, limit);
    return successJson(`[${items.map(labelsJson).join(',')}]`, warnings);
  });

  both('/api/v1/labels', async (req, signal) => {
    const match = formValues(req, 'match[]');
    timeParam(req, 'start', MIN_TIME);
    timeParam(req, 'end', MAX_TIME);
    const limit = limitParam(req, 'limit');
    let names: string[];
    if (match.length === 0) names = querier.labelNames();
    else {
      names = await sliced(req, signal, match, function* (due) {
        const set = new Set<string>();
        for (const matchers of yield* matchSetsSteps(match, due)) {
          const found = querier.labelNamesSteps ? yield* querier.labelNamesSteps(matchers, due) : querier.labelNames(matchers);
          for (const n of found) set.add(n);
        }
        return [...set].sort();
      });
    }
    const { items, warnings } = truncate(names, limit);
    return successJson(stringArrayJson(items), warnings);
  });

  router.get('/api/v1/label/:name/values', send(async (req, signal) => {
    const name = String(req.params.name);
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(name)}`);
    const match = formValues(req, 'match[]');
    timeParam(req, 'start', MIN_TIME);
    timeParam(req, 'end', MAX_TIME);
    const limit = limitParam(req, 'limit');
    let values: string[];
    if (match.length === 0) values = querier.labelValues(name);
    else {
      values = await sliced(req, signal, match, function* (due) {
        const set = new Set<string>();
        for (const matchers of yield* matchSetsSteps(match, due)) {
          const found = querier.labelValuesSteps ? yield* querier.labelValuesSteps(name, matchers, due) : querier.labelValues(name, matchers);
          for (const v of found) set.add(v);
        }
        return [...set].sort();
      });
    }
    const { items, warnings } = truncate(values, limit);
    return successJson(stringArrayJson(items), warnings);
  }));

  router.get('/api/v1/metadata', send((req) => {
    const limit = limitParam(req, 'limit') ?? -1;
    const perMetric = limitParam(req, 'limit_per_metric') ?? -1;
    const metric = formValue(req, 'metric');
    const all = opts.metadata?.metadata() ?? new Map<string, MetricMetadata>();
    const entries: [string, MetricMetadata[]][] = [];
    const names = metric ? (all.has(metric) ? [metric] : []) : [...all.keys()].sort();
    for (const name of names) {
      if (limit >= 0 && entries.length >= limit) break;
      const metas = [all.get(name)!];
      entries.push([name, perMetric >= 0 ? metas.slice(0, perMetric) : metas]);
    }
    return successJson(metadataJson(entries));
  }));

  router.get('/api/v1/status/buildinfo', send(() => {
    const b = opts.buildInfo;
    const data = {
      version: b.version, revision: b.revision ?? '', branch: b.branch ?? '', buildUser: b.buildUser ?? '',
      buildDate: b.buildDate ?? '', goVersion: b.goVersion ?? '',
    };
    return successJson(JSON.stringify(data));
  }));

  both('/api/v1/query_exemplars', (req) => {
    requiredTime(req, 'start');
    requiredTime(req, 'end');
    return successJson('[]');
  });

  // A body the form parser rejects (too large, bad encoding) answers in the API's error shape.
  router.use('/api/v1', (err: Error & { status?: number; type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
    res.status(status).type('application/json').send(errorJson('bad_data', `cannot parse the request body: ${err.message}`));
  });

  return router;
}

/** Scratch memory that hands out the same buffer again: for callers that only look at how many samples there are. */
class ReusedScratch implements SampleScratch {
  private buf = new Float64Array(1024);
  reserve(n: number): Float64Array {
    if (this.buf.length < n) this.buf = new Float64Array(n);
    return this.buf.subarray(0, n);
  }
}

function requiredTime(req: Request, name: string): number {
  try {
    return parseTime(formValue(req, name));
  } catch (err) {
    throw invalidParam(name, err);
  }
}

/** The timeout parameter (ms), validated like Prometheus'; the engine's query.timeout caps it. */
function timeoutParam(req: Request): number | undefined {
  const text = formValue(req, 'timeout');
  if (text === '') return undefined;
  try {
    return parseDurationParam(text);
  } catch (err) {
    throw invalidParam('timeout', err);
  }
}

/**
 * match[] parsed one selector at a time, as a unit of sliced work: compiling
 * a regex can take milliseconds, so a request with many is not parsed in
 * one piece (and its parse counts against the timeout).
 */
function* matchSetsSteps(values: string[], due: () => boolean): Generator<void, LabelMatcher[][], void> {
  const out: LabelMatcher[][] = [];
  for (const v of values) {
    if (due()) yield;
    try {
      out.push(parseSeriesSelector(v));
    } catch (err) {
      throw new ApiError('bad_data', (err as Error).message);
    }
  }
  return out;
}

function seriesKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}\u0000${labels[k]}`).join('\u0001');
}


function truncate<T>(items: T[], limit: number | undefined): { items: T[]; warnings?: string[] } {
  if (limit === undefined || limit <= 0 || items.length <= limit) return { items };
  return { items: items.slice(0, limit), warnings: ['results truncated due to limit'] };
}
