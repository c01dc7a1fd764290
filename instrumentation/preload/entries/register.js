// Lookout zero-code instrumentation for CommonJS apps:
//   NODE_OPTIONS="--require /path/to/this/dir/register.js" node app.js
// (ES module apps: --import /path/to/this/dir/register.mjs). Written by `lookout inject`.
'use strict';
// OTEL_SDK_DISABLED=true: do not even load the bundle (it takes a few hundred ms to load).
if (String(process.env.OTEL_SDK_DISABLED).trim().toLowerCase() !== 'true') {
  try {
    require('./lookout-preload.js').startPreload();
  } catch (err) {
    // Never harm the app: without telemetry is better than not at all.
    process.stderr.write(`lookout-preload: [error] could not load, the app runs without telemetry: ${err && err.stack ? err.stack : err}\n`);
  }
}
