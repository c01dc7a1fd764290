/**
 * A real Prometheus 2.42 for compatibility tests, serving TSDB blocks made by
 * `promtool tsdb create-blocks-from openmetrics`. Install with
 *   apt-get update && apt-get install -y prometheus
 * (the package may start a system daemon: stop it; these tests start their
 * own on 127.0.0.1 and a free port, with a throw-away storage directory).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../../helpers/wait';

export interface PrometheusBinaries { prometheus: string; promtool: string }

function works(bin: string): boolean {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

export function findPrometheus(): PrometheusBinaries | undefined {
  const prometheus = [process.env.PROMETHEUS, '/usr/bin/prometheus', 'prometheus'].find((c): c is string => !!c && works(c));
  const promtool = [process.env.PROMTOOL, '/usr/bin/promtool', 'promtool'].find((c): c is string => !!c && works(c));
  return prometheus && promtool ? { prometheus, promtool } : undefined;
}

/** Skips the calling suite when Prometheus is not installed, except in CI (CI set), where that is a failure. */
export function requirePrometheus(ctx: Mocha.Context): PrometheusBinaries {
  const bins = findPrometheus();
  if (bins) return bins;
  if (process.env.CI) throw new Error('prometheus/promtool not found and CI is set: install with `apt-get update && apt-get install -y prometheus`');
  // eslint-disable-next-line no-console
  console.log('    (skipping: /usr/bin/prometheus not installed; apt-get install -y prometheus to run the PromQL compatibility suite)');
  ctx.skip();
  throw new Error('unreachable');
}

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

/** `promtool tsdb create-blocks-from openmetrics`: the OpenMetrics file at omFile into TSDB blocks under tsdb. */
export function createBlocks(bins: PrometheusBinaries, omFile: string, tsdb: string, timeoutMs = 120_000): void {
  const created = spawnSync(bins.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', omFile, tsdb], { encoding: 'utf8', timeout: timeoutMs });
  if (created.status !== 0) {
    throw new Error(`promtool create-blocks-from openmetrics failed (${created.status ?? created.signal}): ${created.stderr}${created.stdout}`);
  }
}

export type PromApiResult =
  | { status: 'success'; data: { resultType: string; result: unknown } }
  | { status: 'error'; errorType: string; error: string };

export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly proc: ChildProcess,
    private readonly dir: string | undefined,
    private readonly output: () => string,
  ) {}

  /** Turns an OpenMetrics text into blocks and starts Prometheus on them; resolves once it is ready. */
  static async start(bins: PrometheusBinaries, openMetrics: string): Promise<PrometheusServer> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-promcompat-'));
    const omFile = path.join(dir, 'data.om');
    const tsdb = path.join(dir, 'tsdb');
    writeFileSync(omFile, openMetrics);
    try {
      createBlocks(bins, omFile, tsdb);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return PrometheusServer.serve(bins, tsdb, dir);
  }

  /**
   * Starts Prometheus on blocks made earlier (createBlocks), e.g. a benchmark's
   * cached data set; `dir` (config, and the tsdb when it lies inside) is
   * removed by stop() only when `removeOnStop`.
   */
  static async serve(bins: PrometheusBinaries, tsdb: string, dir: string, removeOnStop = true, extraFlags: string[] = []): Promise<PrometheusServer> {
    const config = path.join(dir, 'prometheus.yml');
    // No scrape targets: the blocks are the only data. evaluation_interval is the default subquery step.
    writeFileSync(config, 'global:\n  evaluation_interval: 1m\n');
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      let out = '';
      const proc = spawn(bins.prometheus, [
        `--config.file=${config}`, `--storage.tsdb.path=${tsdb}`, `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn', '--query.lookback-delta=5m', ...extraFlags,
      ], { stdio: ['ignore', 'pipe', 'pipe'] });
      proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
      let exited = false;
      proc.once('exit', () => { exited = true; });
      const server = new PrometheusServer(`http://127.0.0.1:${port}`, proc, removeOnStop ? dir : undefined, () => out);
      try {
        await waitFor(async () => {
          if (exited) throw new Error(`prometheus exited: ${out.slice(-2000)}`);
          const r = await fetch(`${server.url}/-/ready`).catch(() => undefined);
          return r?.status === 200;
        }, { timeoutMs: 60_000, intervalMs: 100, what: 'prometheus to become ready' });
        return server;
      } catch (err) {
        lastError = err;
        await server.stopProcess();
      }
    }
    if (removeOnStop) rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start prometheus: ${String(lastError)}`);
  }

  /** The Prometheus process id (benchmarks read its CPU time). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  private async stopProcess(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.stopProcess();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  get log(): string {
    return this.output();
  }

  /** GET on the API (path with its query string), parsed. */
  async get(pathAndQuery: string): Promise<PromApiResult> {
    const r = await fetch(this.url + pathAndQuery);
    const body = (await r.json()) as PromApiResult;
    return body;
  }

  /** GET /api/v1/query at t (ms). */
  instant(expr: string, t: number): Promise<PromApiResult> {
    return this.get(`/api/v1/query?query=${encodeURIComponent(expr)}&time=${t / 1000}`);
  }

  /** GET /api/v1/query_range (all ms). */
  range(expr: string, start: number, end: number, step: number): Promise<PromApiResult> {
    return this.get(`/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start / 1000}&end=${end / 1000}&step=${step / 1000}`);
  }
}
