/**
 * How failures are told to the sender, in both transports. The mapping is
 * the OTLP specification's and the Collector's otlpreceiver's:
 *
 *   consumer RetryableError  -> HTTP 503 + Retry-After / gRPC UNAVAILABLE (+ RetryInfo-less, retry later)
 *   consumer PermanentError  -> HTTP 400 / gRPC INVALID_ARGUMENT (do not retry)
 *   any other consumer error -> HTTP 503 / gRPC UNAVAILABLE, without Retry-After: like the Collector,
 *                               an error that does not say it is permanent is assumed to be transient,
 *                               so data is retried by the SDK rather than lost.
 */
import { PermanentError, RetryableError } from '../../component/component';

/** google.rpc.Code values used in Status bodies and gRPC answers. */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** The google.rpc.Status code written into an OTLP/HTTP error body for an HTTP status. */
export function grpcCodeForHttpStatus(status: number): number {
  switch (status) {
    case 400: case 413: case 415: return GrpcCode.INVALID_ARGUMENT;
    case 404: case 405: return GrpcCode.UNIMPLEMENTED;
    case 429: return GrpcCode.RESOURCE_EXHAUSTED;
    case 503: return GrpcCode.UNAVAILABLE;
    default: return GrpcCode.INTERNAL;
  }
}

/** Seconds a sender is asked to wait after a RetryableError that names no delay. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

export interface ConsumerFailure {
  httpStatus: 400 | 503;
  grpcCode: number;
  /** Sent to the client; says whether to retry. */
  message: string;
  /** Retry-After header value, for RetryableError only. */
  retryAfterSeconds?: number;
  /** True for errors that are neither Retryable nor Permanent (likely a bug: logged at error level). */
  unexpected: boolean;
}

function isNamed(err: unknown, name: string): boolean {
  return typeof err === 'object' && err !== null && (err as Error).name === name;
}

export function classifyConsumerError(err: unknown): ConsumerFailure {
  const text = err instanceof Error ? err.message : String(err);
  if (err instanceof RetryableError || isNamed(err, 'RetryableError')) {
    const after = (err as RetryableError).retryAfterSeconds;
    return {
      httpStatus: 503,
      grpcCode: GrpcCode.UNAVAILABLE,
      message: `data not accepted now, retry later: ${text}`,
      retryAfterSeconds: after !== undefined && Number.isFinite(after) && after >= 0 ? Math.ceil(after) : DEFAULT_RETRY_AFTER_SECONDS,
      unexpected: false,
    };
  }
  if (err instanceof PermanentError || isNamed(err, 'PermanentError')) {
    return { httpStatus: 400, grpcCode: GrpcCode.INVALID_ARGUMENT, message: `data rejected permanently, do not retry: ${text}`, unexpected: false };
  }
  return { httpStatus: 503, grpcCode: GrpcCode.UNAVAILABLE, message: `internal error while processing the data, retry later: ${text}`, unexpected: true };
}
