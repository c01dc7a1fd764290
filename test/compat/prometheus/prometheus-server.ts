/**
 * A real Prometheus 2.42 over a backfilled data set: writes the OpenMetrics
 * text, runs `promtool tsdb create-blocks-from openmetrics`, starts
 * Prometheus on the blocks (no scrape configs) on a free loopback port and
 * answers /api/v1/query and /api/v1/query_range.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../../helpers/wait';

export const PROMETHEUS_BIN = process.env.PROMETHEUS ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL ?? '/usr/bin/promtool';

/** The body of a Prometheus API answer (only the parts compared). */
export type PromApiResult =
  | { status: 'success'; data: { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] } }
  | { status: 'success'; data: { resultType: 'matrix'; result: { metric: Record<string, string>; values: [number, string][] }[] } }
  | { status: 'success'; data: { resultType: 'scalar' | 'string'; result: [number, string] } }
  | { status: 'error'; errorType: string; error: string };

/** A port the kernel just handed out on 127.0.0.1 (Prometheus cannot report the one it bound to port 0). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export class PrometheusServer {
  private proc?: ChildProcess;
  private stderr = '';
  private dir?: string;
  base = '';

  /** Backfills the OpenMetrics text and starts Prometheus on it; resolves once /-/ready answers 200. */
  async start(openMetrics: string): Promise<void> {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-promcompat-'));
    const input = path.join(this.dir, 'data.om');
    const tsdb = path.join(this.dir, 'tsdb');
    writeFileSync(input, openMetrics);
    const backfill = spawnSync(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', input, tsdb], { encoding: 'utf8', timeout: 120_000 });
    if (backfill.status !== 0) {
      throw new Error(`promtool backfill failed (status ${backfill.status}): ${backfill.stderr || backfill.stdout}`);
    }
    const config = path.join(this.dir, 'prometheus.yml');
    writeFileSync(config, 'global:\n  evaluation_interval: 1h\n');
    // A port picked this way can be taken by someone else before Prometheus binds it: retry a few times.
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      this.base = `http://127.0.0.1:${port}`;
      this.stderr = '';
      const proc = spawn(PROMETHEUS_BIN, [
        `--config.file=${config}`,
        `--storage.tsdb.path=${tsdb}`,
        '--storage.tsdb.retention.time=30d',
        `--web.listen-address=127.0.0.1:${port}`,
        '--query.lookback-delta=5m',
      ], { stdio: ['ignore', 'ignore', 'pipe'] });
      this.proc = proc;
      proc.stderr!.setEncoding('utf8');
      proc.stderr!.on('data', (chunk: string) => { this.stderr = (this.stderr + chunk).slice(-20_000); });
      let exited = false;
      proc.once('exit', () => { exited = true; });
      try {
        await waitFor(async () => {
          if (exited) throw new Error('prometheus exited');
          const res = await fetch(`${this.base}/-/ready`).catch(() => undefined);
          return res?.status === 200;
        }, { timeoutMs: 60_000, intervalMs: 100, what: `Prometheus ready on ${this.base}` });
        return;
      } catch (err) {
        await this.stopProcess();
        if (attempt >= 2 || !/address already in use/.test(this.stderr)) {
          throw new Error(`${(err as Error).message}\nprometheus stderr:\n${this.stderr}`);
        }
      }
    }
  }

  /** GET /api/v1/query at t (ms). */
  async query(expr: string, t: number): Promise<PromApiResult> {
    return this.get('/api/v1/query', { query: expr, time: String(t / 1000) });
  }

  /** GET /api/v1/query_range over [start, end] every step (ms). */
  async queryRange(expr: string, start: number, end: number, step: number): Promise<PromApiResult> {
    return this.get('/api/v1/query_range', { query: expr, start: String(start / 1000), end: String(end / 1000), step: String(step / 1000) });
  }

  private async get(pathname: string, params: Record<string, string>): Promise<PromApiResult> {
    const res = await fetch(`${this.base}${pathname}?${new URLSearchParams(params)}`);
    return (await res.json()) as PromApiResult;
  }

  /** Stops Prometheus and removes its data; safe to call more than once or before start(). */
  async stop(): Promise<void> {
    await this.stopProcess();
    if (this.dir && existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private async stopProcess(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
