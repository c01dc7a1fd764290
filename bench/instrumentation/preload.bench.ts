/**
 * The app's cost of its telemetry: an Express app (one JSON route, one pino
 * line per request) under autocannon load (50 connections), run bare, with the
 * stock `@opentelemetry/auto-instrumentations-node/register` and with
 * Lookout's preload (built from the current sources). Variants are
 * interleaved round by round; medians of the app's req/s and peak RSS
 * (VmHWM of the app process). Every run exports to an OTLP sink, which
 * counts what arrived, so "cheaper" never means "sends less than promised".
 *
 * Targets (issue 13, item 4): preload req/s >= 1.1x stock, RSS <= stock.
 *
 *   npx tsx bench/instrumentation/preload.bench.ts        (also part of npm run bench)
 *   BENCH_SECONDS=8 BENCH_PRELOAD_ROUNDS=5               longer, steadier runs
 *   BENCH_PRELOAD_RATE=500                               the fixed offered rate of the like-for-like phase
 *   BENCH_PRELOAD_CPU_PROF=/tmp/prof                     node --cpu-prof of the preload variant's app
 *   BENCH_PRELOAD_ENV='{"OTEL_LOGS_EXPORTER":"none"}'     extra env for the preload variant: what does X cost?
 */
import autocannon from 'autocannon';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../../test/helpers/wait';
import { RawSink } from './raw-sink';
import { countSignals, type SignalCounts } from './signal-counts';

const repoRoot = path.resolve(__dirname, '../..');
const STOCK_REGISTER = require.resolve('@opentelemetry/auto-instrumentations-node/register');
const ROUTE = '/hello/:name';

type Variant = 'bare' | 'stock' | 'lookout';
const VARIANTS: Variant[] = ['bare', 'stock', 'lookout'];

interface RunResult {
  reqPerSec: number;
  /** App CPU time per request: steadier than req/s on a busy machine. */
  cpuMsPerRequest: number;
  peakRssMiB: number;
  /** The same three at the fixed offered rate. */
  atRate: { reqPerSec: number; cpuMsPerRequest: number; peakRssMiB: number };
  requests: number;
  signals: SignalCounts;
}

function makeAppDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-app-'));
  mkdirSync(path.join(dir, 'node_modules'));
  for (const dep of ['express', 'pino']) symlinkSync(path.join(repoRoot, 'node_modules', dep), path.join(dir, 'node_modules', dep), 'dir');
  cpSync(path.join(__dirname, 'fixtures/express-json-app.js'), path.join(dir, 'app.js'));
  return dir;
}

/** CPU seconds (user + system) the process has used so far, from /proc/PID/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100 on Linux)
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function startApp(variant: Variant, appDir: string, preloadDir: string, sinkUrl: string, seconds: number, profDir?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('OTEL_') || k.startsWith('LOOKOUT_')) delete env[k];
  env.OTEL_SERVICE_NAME = 'bench-app';
  env.OTEL_EXPORTER_OTLP_ENDPOINT = sinkUrl;
  if (variant === 'stock') env.NODE_OPTIONS = `--require ${STOCK_REGISTER}`;
  if (variant === 'lookout') {
    env.NODE_OPTIONS = `--require ${path.join(preloadDir, 'register.js')}`;
    Object.assign(env, JSON.parse(process.env.BENCH_PRELOAD_ENV ?? '{}') as Record<string, string>);
  }
  const flags = profDir && variant === 'lookout' ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  // --cpu-prof writes its profile on a normal exit only: the app exits by itself after the load.
  if (flags.length > 0) env.BENCH_EXIT_AFTER_MS = String((seconds + 3) * 1000);
  const child = spawn(process.execPath, [...flags, 'app.js'], { cwd: appDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const port = await waitFor(() => {
    if (hasExited) throw new Error(`${variant} app exited: ${err}`);
    return /LISTENING (\d+)/.exec(err)?.[1];
  }, { timeoutMs: 30000, what: `${variant} app to listen` }).catch((e: Error) => {
    child.kill('SIGKILL');
    throw e;
  });
  return { child, exited, url: `http://127.0.0.1:${port}`, isExited: () => hasExited };
}

/** SIGTERM (both SDKs flush on it), wait until the sink is quiet, then make sure the app is gone. */
async function stopApp(app: { child: ChildProcess; exited: Promise<void>; isExited: () => boolean }, sink: RawSink): Promise<void> {
  app.child.kill('SIGTERM');
  let last = -1;
  let quietSince = Date.now();
  await waitFor(() => {
    if (sink.requestCount !== last) {
      last = sink.requestCount;
      quietSince = Date.now();
    }
    return app.isExited() || Date.now() - quietSince > 1000;
  }, { timeoutMs: 8000, intervalMs: 50, what: 'the app to flush' }).catch(() => undefined);
  // The stock register keeps the process alive after its SIGTERM flush.
  if (!app.isExited()) app.child.kill('SIGKILL');
  await app.exited;
}

/** autocannon, 50 connections; at most `rate` requests/s in total when given. */
async function load(url: string, seconds: number, rate?: number): Promise<autocannon.Result> {
  return autocannon({ url: `${url}/hello/bench`, connections: 50, duration: seconds, ...(rate ? { overallRate: rate } : {}) });
}

/** Resets VmHWM to the current RSS (Linux clear_refs "5"), so the next phase has its own peak. */
function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/**
 * One app process: warm-up, then a phase at a fixed offered rate (the same
 * work for every variant: memory and CPU per request compare like for like),
 * then the phase at full load (throughput, and memory at that throughput).
 */
async function runOnce(variant: Variant, appDir: string, preloadDir: string, seconds: number, rate: number, profDir?: string): Promise<RunResult> {
  const sink = await new RawSink().start();
  const app = await startApp(variant, appDir, preloadDir, sink.url, 2 * seconds, profDir);
  const pid = app.child.pid!;
  try {
    const warmup = await load(app.url, 1, rate); // JIT warm-up; not measured
    let cpuBefore = cpuSeconds(pid);
    const fixed = await load(app.url, seconds, rate);
    const atRate = {
      reqPerSec: fixed.requests.total / seconds,
      cpuMsPerRequest: ((cpuSeconds(pid) - cpuBefore) * 1000) / fixed.requests.total,
      peakRssMiB: peakRssMiB(pid),
    };
    resetPeakRss(pid);
    cpuBefore = cpuSeconds(pid);
    const result = await load(app.url, seconds);
    const cpuMsPerRequest = ((cpuSeconds(pid) - cpuBefore) * 1000) / result.requests.total;
    const peak = peakRssMiB(pid);
    if (profDir && variant === 'lookout') await waitFor(() => app.isExited(), { timeoutMs: 10000, what: 'the profiled app to exit' });
    await stopApp(app, sink);
    const requests = warmup.requests.total + fixed.requests.total + result.requests.total; // every request sent, for signals per request
    return { reqPerSec: result.requests.total / seconds, cpuMsPerRequest, peakRssMiB: peak, atRate, requests, signals: countSignals(sink.decoded(), ROUTE) };
  } finally {
    if (!app.isExited()) app.child.kill('SIGKILL');
    await sink.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function run(seconds: number): Promise<void> {
  const rounds = Number(process.env.BENCH_PRELOAD_ROUNDS ?? 3);
  const runSeconds = Math.max(3, Math.round(seconds));
  const rate = Number(process.env.BENCH_PRELOAD_RATE ?? 500);
  const profDir = process.env.BENCH_PRELOAD_CPU_PROF;
  const work = mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-preload-'));
  const appDir = makeAppDir();
  try {
    const preloadDir = path.join(work, 'preload');
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build-preload.mjs'), preloadDir], { cwd: repoRoot, stdio: 'ignore' });
    const results: Record<Variant, RunResult[]> = { bare: [], stock: [], lookout: [] };
    for (let r = 0; r < rounds; r++) {
      for (const v of VARIANTS) results[v].push(await runOnce(v, appDir, preloadDir, runSeconds, rate, profDir));
    }
    const med = (v: Variant, f: (x: RunResult) => number) => median(results[v].map(f));
    const ratio = (v: Variant, f: (x: RunResult) => number, base: Variant) => med(v, f) / med(base, f);
    const col = (x: number, digits: number, width: number) => x.toFixed(digits).padStart(width);
    const rps = (x: RunResult) => x.reqPerSec;
    const cpu = (x: RunResult) => x.cpuMsPerRequest;
    const rss = (x: RunResult) => x.peakRssMiB;
    const rateRps = (x: RunResult) => x.atRate.reqPerSec;
    const rateCpu = (x: RunResult) => x.atRate.cpuMsPerRequest;
    const rateRss = (x: RunResult) => x.atRate.peakRssMiB;
    console.log(`Express 5 app, 1 JSON route + 1 pino line/request, autocannon 50 connections; per run ${runSeconds} s at ${rate} req/s offered, then ${runSeconds} s full load; ${rounds} interleaved rounds, medians`);
    console.log('          |           full load: throughput                          | same work: ' + `${rate} req/s offered`.padEnd(28) + '|');
    console.log('variant   |   req/s  x bare  x stock  CPU ms/req  x stock  RSS MiB  x stock |   req/s  CPU ms/req  x stock  RSS MiB  x stock');
    for (const v of VARIANTS) {
      console.log(
        `${v.padEnd(9)} | ${col(med(v, rps), 0, 7)}  ${col(ratio(v, rps, 'bare'), 2, 6)}  ${col(ratio(v, rps, 'stock'), 2, 7)}` +
          `  ${col(med(v, cpu), 3, 10)}  ${col(ratio(v, cpu, 'stock'), 2, 7)}  ${col(med(v, rss), 0, 7)}  ${col(ratio(v, rss, 'stock'), 2, 7)} |` +
          ` ${col(med(v, rateRps), 0, 7)}  ${col(med(v, rateCpu), 3, 10)}  ${col(ratio(v, rateCpu, 'stock'), 2, 7)}  ${col(med(v, rateRss), 0, 7)}  ${col(ratio(v, rateRss, 'stock'), 2, 7)}`,
      );
    }
    console.log('signals at the sink (last round):');
    console.log('variant   | spans/request  SERVER spans with http.route  http.server.request.duration count  runtime metric names  logs  logs with trace id');
    for (const v of VARIANTS) {
      const last = results[v][results[v].length - 1];
      const sig = last.signals;
      console.log(
        `${v.padEnd(9)} | ${col(sig.spans / last.requests, 2, 13)}  ${String(sig.routeServerSpans).padStart(28)}  ${String(sig.httpServerMetric).padStart(35)}` +
          `  ${String(sig.runtimeMetrics).padStart(20)}  ${String(sig.logs).padStart(4)}  ${String(sig.logsWithTraceId).padStart(18)}`,
      );
    }
    const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
    const rpsRatio = ratio('lookout', rps, 'stock');
    const rssRatio = ratio('lookout', rss, 'stock');
    const rateRssRatio = ratio('lookout', rateRss, 'stock');
    console.log(
      `target: preload req/s >= 1.10x stock: ${rpsRatio.toFixed(2)}x ${verdict(rpsRatio >= 1.1)}; ` +
        `preload RSS <= 1.00x stock: full load ${rssRatio.toFixed(2)}x ${verdict(rssRatio <= 1)} (serving ${rpsRatio.toFixed(2)}x the requests), ` +
        `same work ${rateRssRatio.toFixed(2)}x ${verdict(rateRssRatio <= 1)}`,
    );
    if (profDir) console.log(`CPU profiles of the preload variant's app: ${profDir}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(appDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run(Number(process.env.BENCH_SECONDS ?? 5)).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
