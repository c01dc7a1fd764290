/**
 * A real Alertmanager 0.25 (Debian's prometheus-alertmanager) for
 * compatibility tests, on 127.0.0.1 and a free port, with a throw-away
 * storage directory and clustering off; plus local sinks standing in for
 * Slack/PagerDuty/webhooks (HTTP) and a mail server (smtp-server), so the
 * tests capture exactly what Alertmanager sends.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
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
  if (process.env.CI) throw new Error('prometheus-alertmanager/amtool not found and CI is set: apt-get install -y prometheus-alertmanager');
  // eslint-disable-next-line no-console
  console.log('    (skipping: Alertmanager 0.25 not installed; apt-get install -y prometheus-alertmanager to run the Alertmanager compatibility suite)');
  ctx.skip();
  throw new Error('unreachable');
}

export class AlertmanagerServer {
  private constructor(readonly url: string, readonly dir: string, private readonly proc: ChildProcess, private readonly output: () => string) {}

  /** Starts Alertmanager with this alertmanager.yml (extra files written next to it); resolves once /-/ready answers. */
  static async start(bins: AlertmanagerBinaries, config: string, opts: { externalURL?: string; files?: Record<string, string> } = {}): Promise<AlertmanagerServer> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-amcompat-'));
    writeFileSync(path.join(dir, 'alertmanager.yml'), config);
    for (const [name, text] of Object.entries(opts.files ?? {})) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      let out = '';
      const proc = spawn(bins.alertmanager, [
        `--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', `--web.external-url=${opts.externalURL ?? 'http://am.example:9093'}`,
      ], { stdio: ['ignore', 'pipe', 'pipe'] });
      proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
      proc.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
      const server = new AlertmanagerServer(`http://127.0.0.1:${port}`, dir, proc, () => out);
      try {
        await waitFor(async () => {
          if (proc.exitCode !== null) throw new Error(`alertmanager exited (${proc.exitCode}): ${out}`);
          const res = await fetch(`${server.url}/-/ready`).catch(() => undefined);
          return res?.ok;
        }, { timeoutMs: 20_000, what: 'alertmanager ready' });
        return server;
      } catch (err) {
        lastError = err;
        proc.kill('SIGKILL');
        if (!/address already in use/.test(out)) break;
      }
    }
    rmSync(dir, { recursive: true, force: true });
    throw lastError;
  }

  async postAlerts(alerts: unknown[]): Promise<void> {
    const res = await fetch(`${this.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    if (!res.ok) throw new Error(`POST /api/v2/alerts: ${res.status} ${await res.text()}`);
  }

  logs(): string { return this.output(); }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
      this.proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A plain SMTP server (no TLS, no auth) that parses every message. */
export class SmtpSink {
  readonly mails: ParsedMail[] = [];
  port = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, _session, cb) => {
      simpleParser(stream).then((mail) => { this.mails.push(mail); cb(); }, cb);
    },
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
