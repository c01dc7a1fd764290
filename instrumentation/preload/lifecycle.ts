/**
 * Flushing at the edges of the process without changing how it exits.
 *
 * Node's defaults are: an uncaught exception prints and exits 1; SIGTERM and
 * SIGINT kill the process; an empty event loop exits. Merely *listening* to
 * 'uncaughtException' or a signal switches those defaults off, so every
 * handler here restores them when the app has no handler of its own:
 *
 * - uncaught exception / unhandled rejection: record it, flush (bounded by
 *   the timeout), then raise it again with our listener removed, so Node
 *   prints it and exits exactly as it would have. If the app listens too,
 *   its handler decides; we only record and start a flush.
 *   ('unhandledRejection' is deliberately not listened to: that alone would
 *   stop the default crash. Under the default --unhandled-rejections=throw
 *   the rejection reaches 'uncaughtException' with origin 'unhandledRejection'.)
 * - SIGTERM / SIGINT: flush (bounded), then re-send the signal to ourselves
 *   with our listener removed, so the default action (termination by that
 *   signal) happens. If the app listens too, its handler runs right after
 *   ours and decides when to exit; we only start a flush.
 * - 'beforeExit' (the loop ran dry, the app is done): shut the SDK down once,
 *   which flushes. If that takes longer than the timeout (sidecar down: the
 *   exporter retries for ~10 s), exit with the app's exit code instead of
 *   holding the process: a short-lived script or health check must not hang
 *   because telemetry cannot be delivered.
 */
import type { RunningSdk } from './sdk';

export interface LifecycleOptions {
  sdk: RunningSdk;
  flushTimeoutMs: number;
  recordFatal: (thrown: unknown, origin: string) => void;
  warn: (message: string) => void;
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    work.then(
      () => { clearTimeout(timer); resolve(); },
      () => { clearTimeout(timer); resolve(); },
    );
  });
}

export function installLifecycleHooks(options: LifecycleOptions): void {
  const { sdk, flushTimeoutMs, recordFatal, warn } = options;
  let fatalInProgress = false;

  const onUncaught = (thrown: unknown, origin: NodeJS.UncaughtExceptionOrigin) => {
    try {
      recordFatal(thrown, origin);
    } catch (err) {
      warn(`could not record the uncaught exception: ${String(err)}`);
    }
    if (process.listenerCount('uncaughtException') > 1) {
      void sdk.forceFlush().catch(() => undefined);
      return;
    }
    if (fatalInProgress) return; // a second failure while flushing the first: the first one decides
    fatalInProgress = true;
    void withTimeout(sdk.shutdown(), flushTimeoutMs).then(() => {
      process.removeListener('uncaughtException', onUncaught);
      if (origin === 'unhandledRejection') {
        // Reject again: Node reports and exits as for the original unhandled rejection.
        void Promise.reject(thrown);
      } else {
        process.nextTick(() => {
          throw thrown;
        });
      }
    });
  };
  process.on('uncaughtException', onUncaught);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    let terminating = false;
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) {
        void sdk.forceFlush().catch(() => undefined);
        return;
      }
      if (terminating) return;
      terminating = true;
      void withTimeout(sdk.shutdown(), flushTimeoutMs).then(() => {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, onSignal);
  }

  let shutDown = false;
  process.on('beforeExit', () => {
    if (shutDown) return;
    shutDown = true;
    let finished = false;
    const timer = setTimeout(() => {
      if (!finished) process.exit();
    }, flushTimeoutMs);
    void sdk
      .shutdown()
      .catch(() => undefined)
      .then(() => {
        finished = true;
        clearTimeout(timer);
      });
  });
}
