/**
 * How a send can fail, as the exporter's delivery loop tells the cases apart:
 * retry later, drop now (upstream refused), give up (retry budget spent), or
 * stop (the shutdown deadline passed).
 */

/** Worth retrying: 429/502/503/504, connection errors, timeouts. */
export class RetryableSendError extends Error {
  constructor(
    message: string,
    /** From the upstream's Retry-After, when it sent one. */
    readonly retryAfterMs?: number,
    /** HTTP status, undefined for connection errors and timeouts. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RetryableSendError';
  }
}

/** The upstream refused the data for good (400, 401, 403, 404, 413, ...): retrying cannot help. */
export class PermanentSendError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number,
    /** The google.rpc.Status message (or body text) the upstream gave. */
    readonly upstreamMessage: string,
  ) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/** retry_on_failure gave up: disabled, or the next wait would pass max_elapsed_time. */
export class RetriesExhaustedError extends Error {
  constructor(message: string, readonly attempts: number, readonly lastError: Error) {
    super(message);
    this.name = 'RetriesExhaustedError';
  }
}

/** The exporter's shutdown deadline passed while this batch was still being sent or waited on. */
export class ShutdownAbortError extends Error {
  constructor() {
    super('the shutdown deadline passed before delivery');
    this.name = 'ShutdownAbortError';
  }
}
