/**
 * The component contract, the Collector's model: every receiver, processor,
 * exporter and connector is started by the service with a Host and shut down
 * in reverse order. shutdown() must be idempotent and safe before start().
 */
import type { Logger } from 'pino';
import type { Meter } from '@opentelemetry/api';
import type { Router } from 'express';
import type { Signal, SignalData } from '../otlp/model';

/** What the service gives each component at start. */
export interface Host {
  logger: Logger;
  /** The agent's own telemetry; instruments show up on the admin /metrics. */
  meter: Meter;
  /** An express router mounted on the admin server, for component APIs. */
  adminRouter: Router;
  /** Adds a Prometheus text-format source appended to the admin /metrics output. */
  registerMetricsSource(source: () => string | Promise<string> | AsyncIterable<string>): void;
  /** Directory for the component's durable state (under storage.dir). */
  storageDir: string;
  /** The admin server's bound address (real port for :0), once it listens; links in notifications use it. */
  adminAddress?(): { host: string; port: number } | undefined;
}

export interface Component {
  /** Stable id used in logs and metrics, e.g. "otlp" or "otlp/upstream". */
  readonly id: string;
  start(host: Host): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Something that accepts a signal's data. Resolving means the data is safely
 * accepted (queued or processed); rejecting with PermanentError means the
 * data will never be accepted (OTLP/HTTP 400); any other error, RetryableError
 * included, tells the sender to retry later (503), as the Collector's
 * receivers map errors that are not marked permanent.
 */
export interface Consumer<S extends Signal = Signal> {
  consume(signal: S, data: SignalData[S]): Promise<void>;
  /**
   * True for a local consumer that counts or stores what it is given and
   * never answers with back-pressure (spanmetrics, logmetrics,
   * metrics->store). A fan-out hands data to such consumers only after
   * every other consumer (those that may refuse, e.g. an exporter with a
   * bounded queue) accepted it, so refused-then-retried data is counted once.
   */
  readonly neverRefuses?: boolean;
  /**
   * True when the consumer, or a processor of the pipeline it leads into,
   * changes the data it is handed. A fan-out gives such a consumer its own
   * copy, so other branches never see the change.
   */
  readonly mutatesData?: boolean;
}

/** Back-pressure: the data was not accepted now but may be later. */
export class RetryableError extends Error {
  constructor(message: string, readonly retryAfterSeconds?: number) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** The data is invalid and will never be accepted. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}
