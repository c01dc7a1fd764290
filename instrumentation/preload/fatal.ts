/**
 * Records an uncaught exception (or an unhandled rejection raised as one)
 * as telemetry: an ERROR log record with the exception.* attributes, an
 * exception event on the span that was active, and a short span of its own
 * holding the exception event (the active span, if any, will usually never
 * end once the process dies, so it alone would never be exported).
 */
import { SpanStatusCode, trace, type Exception } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';

function asException(thrown: unknown): Exception {
  if (thrown instanceof Error) return thrown;
  return { name: typeof thrown, message: String(thrown) };
}

export function recordFatal(thrown: unknown, origin: string, scope: string, version: string): void {
  const exception = asException(thrown);
  const type = thrown instanceof Error ? thrown.name : typeof thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const attributes = {
    'exception.type': type,
    'exception.message': message,
    'exception.stacktrace': thrown instanceof Error ? (thrown.stack ?? '') : '',
    'exception.origin': origin,
  };
  logs.getLogger(scope, version).emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: `${origin}: ${type}: ${message}`,
    attributes,
  });
  const active = trace.getActiveSpan();
  if (active?.isRecording()) {
    active.recordException(exception);
    active.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  const span = trace.getTracer(scope, version).startSpan(origin, { attributes: { 'exception.origin': origin } });
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.end();
}
