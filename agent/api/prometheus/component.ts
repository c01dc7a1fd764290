/**
 * The query API as a service component: mounts the router on the admin
 * server with the query limits of the `query:` config (a QueryGate for
 * max_concurrency/max_queued; the engine holds timeout and max_samples),
 * reports them (telemetry.ts), and cancels every running query at shutdown
 * so SIGTERM never waits for one.
 */
import type { Component, Host } from '../../component/component';
import type { QueryConfig } from '../../promql/config';
import { QueryGate } from '../../promql/query-gate';
import { prometheusApiRouter, type PrometheusApiOptions } from './router';
import { QueryTelemetry } from './telemetry';

export class PrometheusApiComponent implements Component {
  readonly id = 'api/prometheus';
  readonly gate: QueryGate;
  private readonly stopping = new AbortController();
  telemetry: QueryTelemetry | undefined;

  constructor(
    private readonly api: Omit<PrometheusApiOptions, 'gate' | 'signal' | 'telemetry' | 'logger'>,
    limits: Pick<QueryConfig, 'max_concurrency' | 'max_queued'>,
  ) {
    this.gate = new QueryGate(limits.max_concurrency, limits.max_queued);
  }

  async start(host: Host): Promise<void> {
    this.telemetry = new QueryTelemetry(host.meter, this.gate);
    host.adminRouter.use(prometheusApiRouter({
      ...this.api, gate: this.gate, signal: this.stopping.signal, telemetry: this.telemetry, logger: host.logger,
    }));
  }

  async shutdown(): Promise<void> {
    this.stopping.abort(new Error('the agent is shutting down'));
  }
}
