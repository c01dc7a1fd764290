/**
 * The demo app (deploy/demo-app) as the end-to-end tests run it: instrumented
 * only through the built preload (as in the image), exporting to an OTLP
 * endpoint with fast export settings, and a loop that keeps requesting it.
 * Stop the app with stopAllApps() from the preload harness.
 */
import path from 'node:path';
import { repoRoot } from './repo';
import { builtPreload, fastExportEnv, jsonLines, startApp, type AppProcess } from '../instrumentation/helpers/preload-harness';

/** Starts the demo app exporting to otlpEndpoint (OTEL_SERVICE_NAME demo-app); env adds or overrides variables (DEMO_ERROR_RATE, ...). */
export async function startDemoApp(otlpEndpoint: string, env: NodeJS.ProcessEnv = {}): Promise<AppProcess> {
  return startApp(repoRoot, path.join(repoRoot, 'deploy/demo-app/server.ts'), {
    preload: 'require',
    preloadDir: await builtPreload(),
    nodeFlags: ['--require', 'tsx/cjs'],
    env: { ...fastExportEnv(otlpEndpoint), OTEL_SERVICE_NAME: 'demo-app', HOST: '127.0.0.1', PORT: '0', ...env },
    readyPort: (out) => jsonLines(out).find((l) => l.message === 'Demo app listening')?.port as string | undefined,
  });
}

export interface Driver {
  /** Ends the loop once its current request has finished. */
  stop(): Promise<void>;
}

/**
 * Requests pathFor(0), pathFor(1), ... from the app, one at a time with
 * pauseMs between them, until stop(). A failed request is ignored: the app
 * may be restarting, and the test asserts on what arrives elsewhere.
 */
export function driveDemoApp(app: AppProcess, pathFor: (i: number) => string, pauseMs = 50): Driver {
  let driving = true;
  const loop = (async () => {
    for (let i = 0; driving; i++) {
      await app.get(pathFor(i)).catch(() => undefined);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();
  return { stop: async () => { driving = false; await loop; } };
}
