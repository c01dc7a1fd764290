/**
 * A real Alertmanager 0.25 for the differential suite: its own temp storage
 * directory, a free loopback port, clustering off (`--cluster.listen-address=`),
 * started and stopped per scenario. Install with
 *   apt-get update && apt-get install -y prometheus-alertmanager
 * (the package may start a system daemon: these tests never use it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../helpers/agent-process';
import { waitFor } from '../../helpers/wait';

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
  private constructor(readonly url: string, private readonly proc: ChildProcess, private readonly dir: string, private readonly output: () => string) {}

  static async start(bin: string, configYaml: string, externalURL: string): Promise<AlertmanagerServer> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-amdiff-'));
    const config = path.join(dir, 'alertmanager.yml');
    writeFileSync(config, configYaml);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      let out = '';
      const proc = spawn(bin, [
        `--config.file=${config}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=', `--web.external-url=${externalURL}`, '--log.level=warn',
      ], { stdio: ['ignore', 'pipe', 'pipe'] });
      proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
      let exited = false;
      proc.once('exit', () => { exited = true; });
      const server = new AlertmanagerServer(`http://127.0.0.1:${port}`, proc, dir, () => out);
      try {
        await waitFor(async () => {
          if (exited) throw new Error(`alertmanager exited: ${out.slice(-2000)}`);
          const r = await fetch(`${server.url}/-/ready`).catch(() => undefined);
          return r?.status === 200;
        }, { timeoutMs: 30_000, intervalMs: 50, what: 'alertmanager to become ready' });
        return server;
      } catch (err) {
        lastError = err;
        await server.stopProcess();
      }
    }
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start alertmanager: ${String(lastError)}`);
  }

  /** POST /api/v2/alerts; throws with Alertmanager's answer unless 200. */
  async post(alerts: unknown[]): Promise<void> {
    const r = await fetch(`${this.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    if (r.status !== 200) throw new Error(`alertmanager POST /api/v2/alerts: ${r.status} ${await r.text()}`);
  }

  private async stopProcess(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.stopProcess();
    rmSync(this.dir, { recursive: true, force: true });
  }

  get log(): string {
    return this.output();
  }
}
