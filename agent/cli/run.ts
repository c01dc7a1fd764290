/**
 * `lookout run`: start the agent, stop it cleanly on SIGTERM/SIGINT, reload
 * the config on SIGHUP or POST /-/reload. Every line the agent writes goes
 * through the secret scrubber (config/scrub.ts).
 */
import { ConfigError, defaultConfig, loadConfigFile, type LoadedConfig } from '../config/load';
import { validateReferencedFiles } from '../config/referenced';
import { SecretScrubber } from '../config/scrub';
import { StorageDirError } from '../config/storage-dir';
import { createLogger } from '../service/logger';
import { attachReloader } from '../service/reload';
import { Service } from '../service/service';
import { registerProcessMemory } from '../telemetry/process-memory';
import { unroutedAlertsWarning } from './startup-warnings';
import { pipelineProblems } from '../service/pipelines/validate';

export async function runCommand(opts: { config?: string }): Promise<void> {
  const scrubber = new SecretScrubber();
  const fail = (message: string) => {
    process.stderr.write(`${scrubber.scrub(message)}\n`);
    process.exit(1);
  };
  let loaded: LoadedConfig;
  try {
    loaded = opts.config ? loadConfigFile(opts.config) : defaultConfig();
    scrubber.addConfig(loaded.raw);
    const problems = [...validateReferencedFiles(loaded), ...pipelineProblems(loaded)];
    if (problems.length) throw new ConfigError(loaded.source, problems);
  } catch (err) {
    return fail(err instanceof ConfigError ? err.message : String(err));
  }
  const logger = createLogger(loaded.config.log.level, scrubber.destination(1));
  let service: Service;
  try {
    service = new Service(loaded, { logger });
  } catch (err) {
    return fail(`invalid configuration ${loaded.source}: ${(err as Error).message}`);
  }
  const reloader = attachReloader(service, loaded, scrubber);
  registerProcessMemory(service.metrics.meter);
  let signalled = false;
  const stop = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    const deadlineMs = reloader.config.config.service.shutdown_timeout;
    logger.info({ signal, deadlineMs }, 'shutting down: no longer accepting, flushing');
    const timer = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown deadline passed; exiting with data still queued');
      process.exit(0);
    }, deadlineMs);
    timer.unref();
    service.shutdown().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(0);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {
    if (service.currentState !== 'running') {
      logger.warn({ state: service.currentState }, 'SIGHUP ignored: the agent is not running');
      return;
    }
    logger.info('SIGHUP: reloading the config');
    void reloader.reload();
  });
  try {
    await service.start();
    const unrouted = unroutedAlertsWarning(loaded.config);
    if (unrouted) service.logger.warn(unrouted);
  } catch (err) {
    // Checked first thing in start(), before anything listens or opens a file:
    // one line naming the directory and the fix, not a stack trace.
    if (err instanceof StorageDirError) return fail(`lookout: ${err.message}`);
    logger.fatal({ err }, 'lookout failed to start');
    await service.shutdown().catch(() => undefined);
    process.exit(1);
  }
}
