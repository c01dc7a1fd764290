/**
 * Delivering one batch: split by send_batch_max_size, encode once, send with
 * retries, then count and log the outcome. Upstream and encoding failures
 * never throw: every item ends up
 * delivered, dropped (counted, logged), or handed back as undelivered because
 * the shutdown deadline aborted the send.
 */
import type { Logger } from 'pino';
import { countItems, formatItemCount } from '../../otlp/count';
import type { Signal } from '../../otlp/model';
import type { OtlpExporterConfig } from './config';
import { encodePayloads, requestHeaders, type EncodedRequest, type RequestPayload } from './encode';
import { PermanentSendError, RetriesExhaustedError, ShutdownAbortError } from './errors';
import { withRetries, type RetrySettings } from './retry';
import { sendOnce, signalUrl, UpstreamClient } from './send';
import { mergeRequests } from '../../processors/batch/merge';
import { splitRequest } from '../../processors/batch/split';
import type { ExporterTelemetry } from './telemetry';

type PartOutcome = 'delivered' | 'dropped' | 'aborted';

export interface DeliveryOptions {
  config: OtlpExporterConfig;
  logger: Logger;
  telemetry: ExporterTelemetry;
  /** Aborted at the shutdown deadline. */
  cancel: AbortSignal;
  /** Jitter source, injectable for tests. */
  random?: () => number;
}

export class Delivery {
  private readonly headers: Record<string, string>;
  private readonly urls: Record<Signal, string>;
  private readonly retry: RetrySettings;
  private readonly client: UpstreamClient;

  constructor(private readonly opts: DeliveryOptions) {
    const { config } = opts;
    this.client = new UpstreamClient(config.endpoint);
    this.headers = requestHeaders(config);
    this.urls = {
      traces: signalUrl(config.endpoint, 'traces'),
      metrics: signalUrl(config.endpoint, 'metrics'),
      logs: signalUrl(config.endpoint, 'logs'),
    };
    const r = config.retry_on_failure;
    this.retry = {
      enabled: r.enabled,
      initialIntervalMs: r.initial_interval,
      maxIntervalMs: r.max_interval,
      multiplier: r.multiplier,
      randomizationFactor: r.randomization_factor,
      maxElapsedMs: r.max_elapsed_time,
    };
  }

  /**
   * Sends a batch (the requests of the queue entries taken together, `items`
   * items in all); resolves with how many items a shutdown abort left undelivered.
   */
  async deliver<S extends Signal>(signal: S, requests: readonly RequestPayload<S>[], items: number): Promise<number> {
    const max = this.opts.config.batch.send_batch_max_size;
    // A batch only exceeds the max when one request alone does: take() stops at send_batch_size <= max.
    const parts: (readonly RequestPayload<S>[])[] = max > 0 && items > max
      ? splitRequest(signal, mergeRequests(signal, requests.map((r) => r.data)), max).map((p) => [{ data: p }])
      : [requests];
    for (let i = 0; i < parts.length; i++) {
      const partItems = parts.length === 1 ? items : countItems(signal, parts[i][0].data);
      if ((await this.deliverPart(signal, parts[i], partItems)) === 'aborted') {
        let left = partItems;
        for (let j = i + 1; j < parts.length; j++) left += countItems(signal, parts[j][0].data);
        return left;
      }
    }
    return 0;
  }

  /** Closes the upstream connections; call once no delivery runs any more. */
  close(): void {
    this.client.close();
  }

  private async deliverPart<S extends Signal>(signal: S, requests: readonly RequestPayload<S>[], items: number): Promise<PartOutcome> {
    const { config, logger, telemetry, cancel } = this.opts;
    const url = this.urls[signal];
    const what = formatItemCount(signal, items);
    let req: EncodedRequest;
    try {
      req = { body: await encodePayloads(signal, requests, config), headers: this.headers };
    } catch (err) {
      telemetry.dropped(signal, items, 'rejected');
      logger.error({ signal, items, endpoint: url, err: (err as Error).message }, `cannot encode ${what} for ${url}: ${(err as Error).message}; dropped`);
      return 'dropped';
    }
    try {
      const partial = await withRetries(async () => {
        const started = performance.now();
        try {
          return await sendOnce(this.client, url, signal, req, { timeoutMs: config.timeout, cancel });
        } finally {
          telemetry.attempt(signal, (performance.now() - started) / 1000);
        }
      }, this.retry, {
        cancel,
        random: this.opts.random,
        onRetry: ({ attempt, delayMs, error }) => logger.warn(
          { signal, items, endpoint: url, status: error.status, attempt, retry_in_ms: delayMs, err: error.message },
          `sending ${what} failed (attempt ${attempt}), retrying in ${delayMs} ms: ${error.message}`,
        ),
      });
      const rejected = Math.min(items, Math.max(0, partial.rejected));
      if (rejected > 0 || partial.errorMessage) {
        logger.warn({ signal, items, rejected, endpoint: url, upstream_message: partial.errorMessage },
          `upstream ${url} accepted ${formatItemCount(signal, items - rejected)} and rejected ${rejected} (partial success)` +
          `${partial.errorMessage ? `: ${partial.errorMessage}` : ''}`);
      }
      telemetry.dropped(signal, rejected, 'rejected');
      telemetry.delivered(signal, items - rejected);
      return 'delivered';
    } catch (err) {
      if (err instanceof ShutdownAbortError) return 'aborted';
      if (err instanceof PermanentSendError) {
        telemetry.dropped(signal, items, 'rejected');
        logger.error({ signal, items, endpoint: err.url, status: err.status, upstream_message: err.upstreamMessage },
          `upstream refused ${what}: ${err.message}; dropped, not retried`);
        return 'dropped';
      }
      telemetry.dropped(signal, items, 'retries_exhausted');
      const attempts = err instanceof RetriesExhaustedError ? err.attempts : undefined;
      logger.error({ signal, items, endpoint: url, attempts, err: (err as Error).message },
        `dropped ${what} for ${url}: ${(err as Error).message}`);
      return 'dropped';
    }
  }
}
