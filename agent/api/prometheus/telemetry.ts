/**
 * What the query API reports about its limits: counters of queries stopped
 * by each limit (lookout_query_timeouts_total, _canceled_total,
 * _rejected_total, _max_samples_total), gauges of queries running and
 * queued, and one log line per limit per minute (with how many were not
 * logged), so a flood of bad queries cannot flood the log.
 */
import type { Counter, Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { QueryGate } from '../../promql/query-gate';
import { QueryError } from '../../promql/types';

type Limit = 'timeout' | 'canceled' | 'unavailable' | 'max_samples';

const LOG_INTERVAL_MS = 60_000;

export class QueryTelemetry {
  private readonly counters: Record<Limit, Counter>;
  private readonly queries: Counter;
  private readonly lastLogged = new Map<Limit, number>();
  private readonly suppressed = new Map<Limit, number>();
  /** Totals by outcome, for tests and benches that read no metrics. */
  readonly totals: Record<string, number> = {};

  constructor(meter: Meter, gate?: QueryGate, private readonly now: () => number = Date.now) {
    this.counters = {
      timeout: meter.createCounter('lookout_query_timeouts', { description: 'PromQL queries of the HTTP API stopped by their timeout (query.timeout or the timeout parameter).' }),
      canceled: meter.createCounter('lookout_query_canceled', { description: 'PromQL queries of the HTTP API canceled: the client disconnected or the agent stopped.' }),
      unavailable: meter.createCounter('lookout_query_rejected', { description: 'PromQL queries refused because query.max_queued queries were already waiting.' }),
      max_samples: meter.createCounter('lookout_query_max_samples_exceeded', { description: 'PromQL queries stopped for holding more than query.max_samples samples.' }),
    };
    this.queries = meter.createCounter('lookout_queries', { description: 'PromQL queries of the HTTP API by outcome (success or errorType).' });
    if (gate) {
      meter.createObservableGauge('lookout_queries_in_flight', { description: 'PromQL queries of the HTTP API evaluating now.' })
        .addCallback((o) => o.observe(gate.running));
      meter.createObservableGauge('lookout_queries_queued', { description: 'PromQL queries of the HTTP API waiting for a slot (query.max_concurrency).' })
        .addCallback((o) => o.observe(gate.queued));
    }
  }

  outcome(kind: string): void {
    this.queries.add(1, { outcome: kind });
    this.totals[kind] = (this.totals[kind] ?? 0) + 1;
  }

  /** Counts a failed query; limits are also logged (rate-limited). */
  failed(err: unknown, logger: Logger | undefined, query: string): void {
    const type = err instanceof QueryError ? err.errorType : 'internal';
    this.outcome(type);
    const limit: Limit | undefined = type === 'timeout' || type === 'canceled' || type === 'unavailable' ? type
      : type === 'execution' && /too many samples/.test((err as Error).message) ? 'max_samples' : undefined;
    if (!limit) return;
    this.counters[limit].add(1);
    const now = this.now();
    if (now - (this.lastLogged.get(limit) ?? -Infinity) < LOG_INTERVAL_MS) {
      this.suppressed.set(limit, (this.suppressed.get(limit) ?? 0) + 1);
      return;
    }
    this.lastLogged.set(limit, now);
    const suppressed = this.suppressed.get(limit) ?? 0;
    this.suppressed.set(limit, 0);
    logger?.warn({ limit, query: query.slice(0, 200), err: (err as Error).message, suppressed_since_last: suppressed },
      'PromQL query stopped by a limit');
  }
}
