/**
 * withSpan: the seed's `error_context` on OpenTelemetry.
 *
 * One span per operation, carrying the operation's context as attributes.
 * Failures are recorded on the span (exception event + ERROR status) and
 * normalised: a LookoutError propagates unchanged; anything else is wrapped in
 * a LookoutError("Unexpected error in <operation>") whose details hold the
 * operation's context and `original_error`, with the original as `cause`.
 */
import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { LookoutError, errorMessage, errorType } from './errors';
import type { StructuredLogger } from './logger';
import { toolkitTracer } from './telemetry';

export interface WithSpanOptions {
  /** Logs "Starting/Completed operation" and failures like the seed's error_context. */
  logger?: StructuredLogger;
}

export async function withSpan<T>(
  operation: string,
  attributes: Attributes,
  fn: (span: Span) => T | Promise<T>,
  options: WithSpanOptions = {},
): Promise<T> {
  const { logger } = options;
  return toolkitTracer().startActiveSpan(operation, { attributes }, async (span) => {
    logger?.info(`Starting operation: ${operation}`, { ...attributes });
    try {
      const result = await fn(span);
      logger?.info(`Completed operation: ${operation}`, { ...attributes });
      return result;
    } catch (err) {
      span.recordException(err instanceof Error ? err : { message: errorMessage(err), name: errorType(err) });
      span.setAttribute('error.type', errorType(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
      if (err instanceof LookoutError) {
        logger?.error(`${err.name} in ${operation}: ${err.message}`, err, { ...attributes, ...err.details });
        throw err;
      }
      logger?.error(`Unexpected error in ${operation}: ${errorMessage(err)}`, err, { ...attributes });
      throw new LookoutError(
        `Unexpected error in ${operation}`,
        { ...attributes, original_error: errorMessage(err) },
        { cause: err },
      );
    } finally {
      span.end();
    }
  });
}
