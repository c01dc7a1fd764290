/**
 * Opt-in (LOOKOUT_CAPTURE_CONSOLE=true): console.* output also becomes OTel
 * log records, for apps that log with console instead of a logger library.
 * The original console still prints; records carry the active trace context.
 */
import { format } from 'node:util';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';

type ConsoleMethod = 'log' | 'info' | 'debug' | 'trace' | 'warn' | 'error';

const METHODS: ReadonlyArray<[ConsoleMethod, SeverityNumber, string, 'stdout' | 'stderr']> = [
  ['log', SeverityNumber.INFO, 'INFO', 'stdout'],
  ['info', SeverityNumber.INFO, 'INFO', 'stdout'],
  ['debug', SeverityNumber.DEBUG, 'DEBUG', 'stdout'],
  ['trace', SeverityNumber.TRACE, 'TRACE', 'stderr'],
  ['warn', SeverityNumber.WARN, 'WARN', 'stderr'],
  ['error', SeverityNumber.ERROR, 'ERROR', 'stderr'],
];

export function captureConsole(scope: string, version: string): void {
  const logger = logs.getLogger(scope, version);
  // A record emitted while emitting (an exporter or processor using console) must not recurse.
  let emitting = false;
  for (const [method, severityNumber, severityText, stream] of METHODS) {
    const original = console[method].bind(console) as (...args: unknown[]) => void;
    console[method] = (...args: unknown[]) => {
      original(...args);
      if (emitting) return;
      emitting = true;
      try {
        logger.emit({
          severityNumber,
          severityText,
          body: format(...args),
          attributes: { 'log.iostream': stream, 'code.function.name': `console.${method}` },
        });
      } catch {
        // Telemetry must never break console output.
      } finally {
        emitting = false;
      }
    };
  }
}
