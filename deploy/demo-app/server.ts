/**
 * Runs the demo service: `node dist/deploy/demo-app/server.js`.
 * Instrument it with the preload, e.g.
 *   NODE_OPTIONS="--require ./data/otel/register.js" OTEL_SERVICE_NAME=demo-app node dist/deploy/demo-app/server.js
 * Settings: HOST, PORT, DEMO_* (see config.ts / README.md).
 */
import type { AddressInfo } from 'node:net';
import { StructuredLogger } from '../../instrumentation';
import { createDemoApp } from './app';
import { DemoConfigError, loadDemoConfig, type DemoConfig } from './config';

function main(): void {
  let config: DemoConfig;
  try {
    config = loadDemoConfig(process.env);
  } catch (err) {
    process.stderr.write(`demo-app: ${err instanceof DemoConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const logger = new StructuredLogger('demo-app');
  let selfUrl = '';
  const { app, dependency } = createDemoApp(config, { logger, selfUrl: () => selfUrl });
  const server = app.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    selfUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    logger.info('Demo app listening', { url: selfUrl, host: config.host, port });
  });
  server.on('error', (err) => {
    logger.error('Demo app cannot listen', err, { host: config.host, port: config.port });
    process.exitCode = 1;
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('Demo app shutting down', { signal });
    dependency.dispose();
    // In-flight requests (a /simulate/slow takes up to 5 s) get a moment; then connections are cut.
    const force = setTimeout(() => server.closeAllConnections(), 5000);
    force.unref();
    server.close(() => {
      logger.info('Demo app stopped');
      // pino writes asynchronously: let it drain before exiting.
      logger.pino.flush(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
