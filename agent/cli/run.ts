/** `lookout run`: start the agent and stop it cleanly on SIGTERM/SIGINT. */
import { ConfigError, defaultConfig, loadConfigFile, type LoadedConfig } from '../config/load';
import path from 'node:path';
import { Service } from '../service/service';
import { registerProcessMemory } from '../telemetry/process-memory';
import { unroutedAlertsWarning } from './startup-warnings';
import { storageDirProblem } from './storage-dir';

export async function runCommand(opts: { config?: string }): Promise<void> {
  let loaded: LoadedConfig;
  try {
    loaded = opts.config ? loadConfigFile(opts.config) : defaultConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const storageProblem = storageDirProblem(path.resolve(loaded.baseDir, loaded.config.storage.dir));
  if (storageProblem) {
    process.stderr.write(`lookout: ${storageProblem}\n`);
    process.exit(1);
  }
  const service = new Service(loaded);
  registerProcessMemory(service.metrics.meter);
  const deadlineMs = loaded.config.service.shutdown_timeout;
  let signalled = false;
  const stop = (signal: NodeJS.Signals) => {
    if (signalled) {
      service.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    service.logger.info({ signal, deadlineMs }, 'shutting down: no longer accepting, flushing');
    const timer = setTimeout(() => {
      service.logger.error({ deadlineMs }, 'shutdown deadline passed; exiting with data still queued');
      process.exit(0);
    }, deadlineMs);
    timer.unref();
    service.shutdown().then(
      () => process.exit(0),
      (err) => {
        service.logger.error({ err }, 'shutdown failed');
        process.exit(0);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    await service.start();
    const unrouted = unroutedAlertsWarning(loaded.config);
    if (unrouted) service.logger.warn(unrouted);
  } catch (err) {
    service.logger.fatal({ err }, 'lookout failed to start');
    await service.shutdown().catch(() => undefined);
    process.exit(1);
  }
}
