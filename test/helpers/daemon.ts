/**
 * A real peer daemon for compatibility tests and benches (Alertmanager,
 * Prometheus): spawned on a free loopback port, waited for until its
 * readiness endpoint answers 200, retried on another port if it dies
 * (a port race), stopped with SIGTERM (SIGKILL after 5 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './agent-process';
import { waitFor } from './wait';

export interface Daemon {
  url: string;
  /** Everything it wrote to stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function startDaemon(bin: string, args: (port: number) => string[], opts: { readyPath: string; what: string; timeoutMs?: number }): Promise<Daemon> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let out = '';
    const proc = spawn(bin, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    let exited = false;
    proc.once('exit', () => { exited = true; });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => {
        if (exited) throw new Error(`${opts.what} exited: ${out.slice(-2000)}`);
        return (await fetch(`${url}${opts.readyPath}`).catch(() => undefined))?.status === 200;
      }, { timeoutMs: opts.timeoutMs ?? 30_000, intervalMs: 50, what: `${opts.what} to become ready` });
      return { url, output: () => out, stop: () => stopProcess(proc) };
    } catch (err) {
      lastError = err;
      await stopProcess(proc);
    }
  }
  throw new Error(`could not start ${opts.what}: ${String(lastError)}`);
}
