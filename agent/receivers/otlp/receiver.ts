/**
 * The OTLP receiver component: OTLP/HTTP (and OTLP/gRPC when configured)
 * in front of one shared ingest path that validates, counts and hands data
 * to the next consumer. The Collector's otlpreceiver, for one app.
 *
 * Lifecycle: start(host) binds the listeners (an error names the endpoint
 * and the config key); shutdown() stops accepting, lets in-flight requests
 * answer, and is idempotent and safe before start().
 */
import type { Component, Consumer, Host } from '../../component/component';
import type { OtlpReceiverConfig } from './config';
import { Ingest } from './ingest';
import { OtlpHttpServer } from './http';
import type { OtlpGrpcServer } from './grpc';
import { ReceiverTelemetry } from './telemetry';
import { MemoryLimiter } from './memory-limiter';
import { GrowingRetryAfter } from './retry-after';

export interface OtlpReceiverOptions {
  /** Component id for logs and the `receiver` metric attribute; default "otlp". */
  id?: string;
}

type State = 'new' | 'starting' | 'running' | 'stopped';

export class OtlpReceiver implements Component {
  readonly id: string;
  private state: State = 'new';
  private http?: OtlpHttpServer;
  private grpc?: OtlpGrpcServer;
  private limiter?: MemoryLimiter;
  private starting?: Promise<void>;
  private stopping?: Promise<void>;

  constructor(private readonly config: OtlpReceiverConfig, private readonly next: Consumer, opts: OtlpReceiverOptions = {}) {
    this.id = opts.id ?? 'otlp';
  }

  /** host:port the OTLP/HTTP listener is bound to (the real port for :0), once started. */
  get httpAddress(): string | undefined {
    return this.http?.address;
  }

  /** Base URL of the OTLP/HTTP listener, e.g. http://127.0.0.1:4318, once started. */
  get httpUrl(): string | undefined {
    const a = this.httpAddress;
    return a ? `http://${a}` : undefined;
  }

  /** host:port the OTLP/gRPC listener is bound to, once started (undefined when gRPC is off). */
  get grpcAddress(): string | undefined {
    return this.grpc?.address;
  }

  start(host: Host): Promise<void> {
    if (this.state !== 'new') return Promise.reject(new Error(`receiver ${this.id} cannot start: it is ${this.state}`));
    this.state = 'starting';
    this.starting = this.bind(host);
    return this.starting;
  }

  shutdown(): Promise<void> {
    if (!this.stopping) {
      this.state = 'stopped';
      this.stopping = (async () => {
        // Called while binding: let the bind finish, then close whatever it opened.
        await this.starting?.catch(() => undefined);
        await this.closeListeners();
      })();
    }
    return this.stopping;
  }

  private async bind(host: Host): Promise<void> {
    const logger = host.logger.child({ component: `receiver/${this.id}` });
    const telemetry = new ReceiverTelemetry(host.meter, this.id);
    const { memory_limiter: ml, retry_after: ra, limits } = this.config;
    const limiter = new MemoryLimiter(ml, {
      onChange: (refusing, used, l) => logger.warn(
        { rss_mib: Math.round(used / 1048576), soft_limit_mib: Math.round(l.softBytes / 1048576), limit_mib: Math.round(l.limitBytes / 1048576) },
        refusing ? 'memory limiter: RSS over the soft limit, refusing OTLP requests until it drops' : 'memory limiter: RSS back under the soft limit, accepting again'),
    });
    this.limiter = limiter;
    limiter.start();
    const retryAfter = new GrowingRetryAfter(ra.initial / 1000, ra.max / 1000);
    const ingest = new Ingest(this.next, telemetry, logger, { limits, memoryLimiter: limiter, retryAfter, backPressureHoldMs: this.config.back_pressure_hold });
    try {
      if (this.config.http) {
        const http = new OtlpHttpServer({ config: this.config.http, ingest, telemetry, logger });
        this.http = http;
        await http.start();
        const c = this.config.http;
        logger.info({ endpoint: http.address, paths: [c.traces_url_path, c.metrics_url_path, c.logs_url_path] }, 'OTLP/HTTP receiver listening');
      }
      if (this.config.grpc) {
        // Loaded only when configured: grpc-js is not needed by HTTP-only agents. require, not
        // import(): under module node16 a dynamic import() stays an ES module load.
        const { OtlpGrpcServer } = require('./grpc') as typeof import('./grpc');
        const grpc = new OtlpGrpcServer({ config: this.config.grpc, ingest, telemetry, logger });
        this.grpc = grpc;
        await grpc.start();
        logger.info({ endpoint: grpc.address }, 'OTLP/gRPC receiver listening');
      }
      if (!this.config.http && !this.config.grpc) {
        logger.warn('receivers.otlp has neither http nor grpc configured: nothing will be received');
      }
    } catch (err) {
      // Leave nothing half-open: a bound HTTP port must not outlive a failed gRPC bind.
      await this.closeListeners();
      this.state = 'stopped';
      throw err;
    }
    if (this.state === 'starting') this.state = 'running';
  }

  private async closeListeners(): Promise<void> {
    this.limiter?.stop();
    await Promise.all([this.http?.shutdown(), this.grpc?.shutdown()]);
  }
}
