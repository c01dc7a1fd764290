/**
 * A real Alertmanager 0.25 for the differential suite: its own temp storage
 * directory, a free loopback port, clustering off (`--cluster.listen-address=`),
 * started and stopped per scenario. Install with
 *   apt-get update && apt-get install -y prometheus-alertmanager
 * (the package may start a system daemon: these tests never use it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDaemon, type Daemon } from '../../helpers/daemon';

// Finding the binaries (and skipping without them) is shared with the compatibility suite.
export { findAlertmanager, requireAlertmanager, type AlertmanagerBinaries } from '../alertmanager/alertmanager-server';

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
