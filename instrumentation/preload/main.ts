/**
 * Lookout's zero-code instrumentation, loaded into the app before its own
 * code: `node --require DIR/register.js app.js` (CommonJS) or
 * `node --import DIR/register.mjs app.mjs` (ES modules; also covers CJS).
 *
 * Bundled by scripts/build-preload.mjs into one file with the OpenTelemetry
 * SDK, so the app needs no OpenTelemetry package of its own. Libraries the
 * instrumentations patch (http, express, pino, ...) are the app's own: they
 * are intercepted as the app loads them (require-in-the-middle for require(),
 * import-in-the-middle through a module loader hook for import).
 *
 * The first rule: never harm the app. Anything that fails here is reported
 * once on stderr and the app runs as if uninstrumented.
 */
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { register as registerLoaderHook } from 'node:module';
import { pathToFileURL } from 'node:url';
import { installDiagnostics, writeStderr, type Diagnostics } from './diagnostics';
import { captureConsole } from './console-capture';
import { recordFatal } from './fatal';
import { installLifecycleHooks } from './lifecycle';
import { readPreloadOptions } from './options';
import { hostMetricsEnabled, registerProcessMetrics } from './process-metrics';
import { createInstrumentations } from './instrumentations';
import { createSdk } from './sdk';

declare const __LOOKOUT_VERSION__: string | undefined;

export const DISTRO = {
  name: 'lookout',
  version: typeof __LOOKOUT_VERSION__ === 'string' ? __LOOKOUT_VERSION__ : '0.0.0-dev',
};
const SCOPE = 'lookout-preload';

/** Shared by every copy of the preload in the process (e.g. both --require and --import given). */
const STATE_KEY = Symbol.for('lookout.preload.state');
interface PreloadState {
  started: boolean;
  esmHook: boolean;
}
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: PreloadState };

function state(): PreloadState {
  const g = globalThis as GlobalWithState;
  return (g[STATE_KEY] ??= { started: false, esmHook: false });
}

/** Starts telemetry; never throws. */
function start(env: NodeJS.ProcessEnv, beforeInstrumentations?: () => void): void {
  const s = state();
  if (s.started) return;
  s.started = true;
  let diagnostics: Diagnostics | undefined;
  try {
    const options = readPreloadOptions(env, (m) => writeStderr(`[warn] ${m}`));
    if (options.sdkDisabled) return; // OTEL_SDK_DISABLED=true: nothing is patched, nothing is sent
    diagnostics = installDiagnostics(env, options.diagIntervalMs);
    // Instrumentations enable themselves (and create their import hooks) when
    // constructed, so the ESM loader channel must exist before that.
    beforeInstrumentations?.();
    diagnostics.yieldToSdk();
    const warn = (m: string) => writeStderr(`[warn] ${m}`);
    const { sdk, running } = createSdk(DISTRO, createInstrumentations(env, warn));
    diagnostics.installDiagLogger();
    sdk.start();
    if (!hostMetricsEnabled(env)) registerProcessMetrics(SCOPE, DISTRO.version);
    if (options.captureConsole) captureConsole(SCOPE, DISTRO.version);
    installLifecycleHooks({
      sdk: running,
      flushTimeoutMs: options.exitFlushTimeoutMs,
      recordFatal: (thrown, origin) => recordFatal(thrown, origin, SCOPE, DISTRO.version),
      warn: (m) => diagnostics?.throttle.report(`lifecycle:${m}`, `[warn] ${m}`),
    });
  } catch (err) {
    writeStderr(
      `[error] OpenTelemetry could not start, the app runs without telemetry: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
  }
}

/** Entry of register.js (--require). */
export function startPreload(): void {
  start(process.env);
}

/**
 * Entry of register.mjs (--import): registers the import-in-the-middle loader
 * hook so ES module imports can be instrumented, then starts telemetry.
 * Only the modules some instrumentation asked for are wrapped (the include
 * list travels to the loader thread over a message channel), and the returned
 * promise settles once the loader has them, before the app's first import.
 */
export async function startPreloadEsm(): Promise<void> {
  const s = state();
  if (s.esmHook) return;
  s.esmHook = true;
  const hookUrl = new URL('./hook.mjs', pathToFileURL(__filename)).href;
  if (typeof registerLoaderHook !== 'function') {
    writeStderr(`[warn] this Node.js (${process.version}) cannot register module hooks; ES module imports are not instrumented`);
    startPreload();
    return;
  }
  if (s.started) {
    // Already started through --require: the instrumentations' hooks exist, so wrap all imports.
    try {
      registerLoaderHook(hookUrl);
    } catch (err) {
      writeStderr(`[warn] ES module imports are not instrumented: ${String(err)}`);
    }
    return;
  }
  let waitForLoader: (() => Promise<void>) | undefined;
  start(process.env, () => {
    try {
      const channel = createAddHookMessageChannel();
      registerLoaderHook(hookUrl, { data: channel.registerOptions.data, transferList: channel.registerOptions.transferList });
      waitForLoader = channel.waitForAllMessagesAcknowledged;
    } catch (err) {
      writeStderr(`[warn] ES module imports are not instrumented: ${String(err)}`);
    }
  });
  if (waitForLoader) await waitForLoader().catch(() => undefined);
}
