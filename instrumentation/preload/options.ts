/**
 * The preload's own settings (everything OpenTelemetry-standard is read by
 * the SDK from OTEL_* variables). Invalid values fall back to the default
 * with a warning: a typo in an env var must never stop the app.
 */

export interface PreloadOptions {
  /** LOOKOUT_CAPTURE_CONSOLE: also send console.* output as log records. Default false. */
  captureConsole: boolean;
  /** LOOKOUT_EXIT_FLUSH_TIMEOUT_MS: longest wait for a flush before a crash/signal exit proceeds. Default 2000. */
  exitFlushTimeoutMs: number;
  /** LOOKOUT_DIAG_INTERVAL_MS: minimum time between two lines about the same problem. Default 60000. */
  diagIntervalMs: number;
  /** OTEL_SDK_DISABLED: start nothing at all. */
  sdkDisabled: boolean;
}

function parseBoolean(name: string, env: NodeJS.ProcessEnv, fallback: boolean, warn: (m: string) => void): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  warn(`${name}=${JSON.stringify(env[name])} is not true or false; using ${fallback}`);
  return fallback;
}

function parseMs(name: string, env: NodeJS.ProcessEnv, fallback: number, warn: (m: string) => void): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (Number.isFinite(value) && value >= 0) return value;
  warn(`${name}=${JSON.stringify(raw)} is not a number of milliseconds >= 0; using ${fallback}`);
  return fallback;
}

export function readPreloadOptions(env: NodeJS.ProcessEnv, warn: (message: string) => void): PreloadOptions {
  return {
    captureConsole: parseBoolean('LOOKOUT_CAPTURE_CONSOLE', env, false, warn),
    exitFlushTimeoutMs: parseMs('LOOKOUT_EXIT_FLUSH_TIMEOUT_MS', env, 2000, warn),
    diagIntervalMs: parseMs('LOOKOUT_DIAG_INTERVAL_MS', env, 60_000, warn),
    sdkDisabled: parseBoolean('OTEL_SDK_DISABLED', env, false, warn),
  };
}
