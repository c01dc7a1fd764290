/**
 * A structured JSON logger (port of the seed's StructuredLogger) on pino.
 *
 * Every record carries the active trace as its correlation id: `trace_id`,
 * `span_id` and `correlation_id` (= trace_id) while a span is active, so a
 * log line found in any log store leads straight to its trace. Outside a
 * span, `correlation_id` falls back to a per-logger random id, as in the seed.
 *
 * Under Lookout's preload the pino instrumentation additionally sends each
 * record to the agent as an OTel log record (with the same trace context).
 */
import { randomUUID } from 'node:crypto';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { LookoutError, errorMessage, errorType } from './errors';

export type LogFields = Record<string, unknown>;

export interface StructuredLoggerOptions {
  /** pino level name; default: env LOG_LEVEL or 'info'. */
  level?: string;
  /** Where JSON lines go; default stdout. */
  destination?: DestinationStream;
  /** Fallback correlation id used outside spans; default: 8 random hex chars. */
  correlationId?: string;
}

/** The trace fields of the active span, or undefined outside a (valid) span. */
export function activeTraceFields(): { trace_id: string; span_id: string } | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  if (!ctx || !isSpanContextValid(ctx)) return undefined;
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}

export class StructuredLogger {
  /** The underlying pino logger, for APIs the wrapper does not cover. */
  readonly pino: Logger;
  readonly correlationId: string;

  constructor(name: string, options: StructuredLoggerOptions = {}, parent?: Logger) {
    this.correlationId = options.correlationId ?? randomUUID().replace(/-/g, '').slice(0, 8);
    const fallbackId = this.correlationId;
    this.pino =
      parent ??
      pino(
        {
          level: options.level ?? process.env.LOG_LEVEL ?? 'info',
          messageKey: 'message',
          base: { service: name },
          timestamp: pino.stdTimeFunctions.isoTime,
          formatters: { level: (label) => ({ level: label }) },
          // Evaluated per record: the active span at the moment of logging.
          mixin: () => {
            const fields = activeTraceFields();
            return fields ? { ...fields, correlation_id: fields.trace_id } : { correlation_id: fallbackId };
          },
        },
        options.destination ?? pino.destination({ fd: 1, sync: false }),
      );
  }

  debug(message: string, fields: LogFields = {}): void {
    this.pino.debug(fields, message);
  }

  info(message: string, fields: LogFields = {}): void {
    this.pino.info(fields, message);
  }

  warning(message: string, fields: LogFields = {}): void {
    this.pino.warn(fields, message);
  }

  warn(message: string, fields: LogFields = {}): void {
    this.pino.warn(fields, message);
  }

  /** Logs at error level; with `error`, adds error_type, error_message, stack_trace (and details of a LookoutError). */
  error(message: string, error?: unknown, fields: LogFields = {}): void {
    this.pino.error({ ...fields, ...(error === undefined ? {} : describeError(error)) }, message);
  }

  /** A logger whose records all carry `context` in addition (seed: `with_context`). */
  withContext(context: LogFields): StructuredLogger {
    return new StructuredLogger('', { correlationId: this.correlationId }, this.pino.child(context));
  }
}

/** The seed's error fields, flat so log stores can index them. */
export function describeError(error: unknown): LogFields {
  const fields: LogFields = {
    error_type: errorType(error),
    error_message: errorMessage(error),
  };
  if (error instanceof Error && error.stack) fields.stack_trace = error.stack;
  if (error instanceof LookoutError) fields.error_details = error.details;
  return fields;
}
