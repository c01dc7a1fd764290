/**
 * Where the SDK's own complaints go: one stderr line per problem per
 * interval, prefixed "lookout-preload:", never through console.* (which may
 * be captured as telemetry, and would then feed back into the exporter).
 *
 * - OpenTelemetry's diag logger (level from OTEL_LOG_LEVEL, default WARN;
 *   errors and warnings are throttled, info/debug/verbose shown in full);
 * - the global error handler, which receives every failed export (sidecar
 *   unreachable, 4xx/5xx): these share one key, so however many signals and
 *   retries fail, the app's stderr gets at most one line per interval.
 */
import { DiagLogLevel, diag, type DiagLogger } from '@opentelemetry/api';
import { diagLogLevelFromString, setGlobalErrorHandler } from '@opentelemetry/core';
import { Throttle } from './throttle';

export const PREFIX = 'lookout-preload:';

export function writeStderr(line: string): void {
  try {
    process.stderr.write(`${PREFIX} ${line}\n`);
  } catch {
    // stderr closed: nothing sensible left to do, and the app must not notice.
  }
}

function formatArgs(message: string, args: unknown[]): string {
  const rest = args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : safeJson(a))).join(' ');
  return rest ? `${message} ${rest}` : message;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function exportEndpoint(env: NodeJS.ProcessEnv): string {
  return env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || 'http://localhost:4318';
}

export interface Diagnostics {
  throttle: Throttle;
  level: DiagLogLevel;
  /**
   * `new NodeSDK()` installs a console diag logger of its own when
   * OTEL_LOG_LEVEL is set: call this before constructing it (avoids an
   * "overwritten" warning) and installDiagLogger() after.
   */
  yieldToSdk(): void;
  /** (Re)installs the throttled diag logger. */
  installDiagLogger(): void;
}

export function installDiagnostics(env: NodeJS.ProcessEnv, intervalMs: number, write: (line: string) => void = writeStderr): Diagnostics {
  const throttle = new Throttle({ intervalMs, write });
  const writeLine = write;
  const level = diagLogLevelFromString(env.OTEL_LOG_LEVEL) ?? DiagLogLevel.WARN;
  const endpoint = exportEndpoint(env);
  const reportExportFailure = (detail: string) =>
    throttle.report(
      'export-failed',
      `[error] sending telemetry to ${endpoint} failed: ${detail}. The app is unaffected; telemetry is dropped while this lasts`,
    );
  const line = (lvl: string) => (message: string, ...args: unknown[]) => {
    const text = formatArgs(message, args);
    // Failed exports reach diag too (e.g. "metrics export timed out"): they share the
    // export key, so a dead sidecar costs one line per interval in total.
    if ((lvl === 'error' || lvl === 'warn') && /export/i.test(message)) {
      reportExportFailure(text);
      return;
    }
    // Asked-for verbosity (OTEL_LOG_LEVEL=info/debug/verbose) is shown in full.
    if (lvl !== 'error' && lvl !== 'warn') {
      writeLine(`[${lvl}] ${text}`);
      return;
    }
    // Key on the message without its numbers and arguments: "Dropped 12 spans" and
    // "Dropped 40 spans" are the same problem.
    throttle.report(`${lvl}:${message.replace(/\d+/g, '#').slice(0, 120)}`, `[${lvl}] ${text}`);
  };
  const logger: DiagLogger = {
    error: line('error'),
    warn: line('warn'),
    info: line('info'),
    debug: line('debug'),
    verbose: line('verbose'),
  };
  setGlobalErrorHandler((err) => {
    if (level < DiagLogLevel.ERROR) return;
    reportExportFailure(err instanceof Error ? err.message : safeJson(err));
  });
  const installDiagLogger = () => {
    diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
  };
  installDiagLogger();
  const yieldToSdk = () => {
    if (env.OTEL_LOG_LEVEL !== undefined) diag.disable();
  };
  return { throttle, level, installDiagLogger, yieldToSdk };
}
