/**
 * A real Alertmanager 0.25 for the differential suite: its own temp storage
 * directory, a free loopback port, clustering off (`--cluster.listen-address=`),
 * started and stopped per scenario. Install with
 *   apt-get update && apt-get install -y prometheus-alertmanager
 * (the package may start a system daemon: these tests never use it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDaemon, type Daemon } from '../../helpers/daemon';

export interface AlertmanagerBinaries { alertmanager: string; amtool: string }

function works(bin: string): boolean {
  return spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0;
}

export function findAlertmanager(): AlertmanagerBinaries | undefined {
  const alertmanager = [process.env.ALERTMANAGER, '/usr/bin/prometheus-alertmanager', 'alertmanager'].find((c): c is string => !!c && works(c));
  const amtool = [process.env.AMTOOL, '/usr/bin/amtool', 'amtool'].find((c): c is string => !!c && works(c));
  return alertmanager && amtool ? { alertmanager, amtool } : undefined;
}

/** Skips the calling suite when Alertmanager is not installed, except in CI (CI set), where that is a failure. */
export function requireAlertmanager(ctx: Mocha.Context): AlertmanagerBinaries {
  const bins = findAlertmanager();
  if (bins) return bins;
  if (process.env.CI) throw new Error('alertmanager/amtool not found and CI is set: apt-get install -y prometheus-alertmanager');
  // eslint-disable-next-line no-console
  console.log('    (skipping: Alertmanager 0.25 not installed; apt-get install -y prometheus-alertmanager to run the differential suite)');
  ctx.skip();
  throw new Error('unreachable');
}

export class AlertmanagerServer {
  private constructor(private readonly daemon: Daemon, private readonly dir: string) {}

  get url(): string {
    return this.daemon.url;
  }

  static async start(bin: string, configYaml: string, externalURL: string): Promise<AlertmanagerServer> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-amdiff-'));
    const config = path.join(dir, 'alertmanager.yml');
    writeFileSync(config, configYaml);
    try {
      const daemon = await startDaemon(bin, (port) => [
        `--config.file=${config}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=', `--web.external-url=${externalURL}`, `--log.level=${process.env.LOOKOUT_AM_DIFF_AMLOG ? 'debug' : 'warn'}`,
      ], { readyPath: '/-/ready', what: 'alertmanager' });
      return new AlertmanagerServer(daemon, dir);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** POST /api/v2/alerts; throws with Alertmanager's answer unless 200. */
  async post(alerts: unknown[]): Promise<void> {
    const r = await fetch(`${this.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    if (r.status !== 200) throw new Error(`alertmanager POST /api/v2/alerts: ${r.status} ${await r.text()}`);
  }

  async stop(): Promise<void> {
    await this.daemon.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  get log(): string {
    return this.daemon.output();
  }
}
