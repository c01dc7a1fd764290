// Lookout zero-code instrumentation for ES module apps (and CommonJS ones):
//   NODE_OPTIONS="--import /path/to/this/dir/register.mjs" node app.mjs
// Registers the module loader hook that lets imports be instrumented. Written by `lookout inject`.
import { createRequire } from 'node:module';

// OTEL_SDK_DISABLED=true: do not even load the bundle (it takes a few hundred ms to load).
if (String(process.env.OTEL_SDK_DISABLED).trim().toLowerCase() !== 'true') {
  try {
    await createRequire(import.meta.url)('./lookout-preload.js').startPreloadEsm();
  } catch (err) {
    // Never harm the app: without telemetry is better than not at all.
    process.stderr.write(`lookout-preload: [error] could not load, the app runs without telemetry: ${err && err.stack ? err.stack : err}\n`);
  }
}
