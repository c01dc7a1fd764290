/**
 * Runs real apps under the bundled preload for tests.
 *
 * - The preload is bundled once per test process, from the current sources,
 *   into a tmp dir (scripts/build-preload.mjs, the same build `npm run build` runs).
 * - Fixture apps live in tmp dirs whose node_modules holds only symlinks to
 *   the libraries they use (express, pino, winston): no @opentelemetry/*
 *   package is resolvable from the app, exactly like an app that never heard
 *   of OpenTelemetry.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { anyValueToJs, bytesToHex, int64ToNumber } from '../../../agent/otlp/values';
import type { KeyValue, Metric } from '../../../agent/otlp/model';
import type { OtlpSink } from '../../helpers/otlp-sink';
import { repoRoot } from '../../helpers/repo';
import { waitFor } from '../../helpers/wait';

const tmpDirs: string[] = [];

export function tmpDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

export function removeTmpDirs(): void {
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

let built: Promise<string> | undefined;

/** The preload bundled from the current sources (once per test process). */
export function builtPreload(): Promise<string> {
  built ??= (async () => {
    const buildDir = mkdtempSync(path.join(os.tmpdir(), 'lookout-preload-build-'));
    // Shared by every test file of this process: removed when the process ends, not per file.
    process.on('exit', () => rmSync(buildDir, { recursive: true, force: true }));
    const out = path.join(buildDir, 'preload');
    await promisify(execFile)(process.execPath, [path.join(repoRoot, 'scripts/build-preload.mjs'), out], { cwd: repoRoot });
    return out;
  })();
  return built;
}

export const FIXTURES = path.join(repoRoot, 'test/instrumentation/preload/fixtures');

/** A tmp app dir holding the given fixture files and a node_modules with symlinks to `deps` only. */
export function makeAppDir(fixtureFiles: string[], deps: string[]): string {
  const dir = tmpDir('lookout-app-');
  mkdirSync(path.join(dir, 'node_modules'));
  for (const dep of deps) symlinkSync(path.join(repoRoot, 'node_modules', dep), path.join(dir, 'node_modules', dep), 'dir');
  for (const f of fixtureFiles) cpSync(path.join(FIXTURES, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fixture-app', private: true }));
  return dir;
}

export interface AppProcess {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal (default SIGTERM) and waits for exit; SIGKILL after 10 s. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  get(pathname: string): Promise<{ status: number; body: unknown }>;
}

const running = new Set<AppProcess>();

export interface StartAppOptions {
  preload: 'require' | 'import' | 'none';
  preloadDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. --expose-gc. */
  nodeFlags?: string[];
  /** Working directory; default the app dir. */
  cwd?: string;
  /** Finds the listening port in stdout; default: a "LISTENING <port>" line. */
  readyPort?: (stdout: string) => string | undefined;
}

/** Fast export settings so tests wait milliseconds, not minutes. */
export function fastExportEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_BLRP_SCHEDULE_DELAY: '100',
    OTEL_METRIC_EXPORT_INTERVAL: '300',
    OTEL_METRIC_EXPORT_TIMEOUT: '300',
  };
}

export async function startApp(appDir: string, entry: string, options: StartAppOptions): Promise<AppProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // The test runner's own settings must not leak into the app.
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('OTEL_') && !(options.env && k in options.env)) delete env[k];
  if (options.preload !== 'none') {
    const flag = options.preload === 'require' ? '--require' : '--import';
    const file = options.preload === 'require' ? 'register.js' : 'register.mjs';
    env.NODE_OPTIONS = `${flag} ${path.join(options.preloadDir!, file)}`;
  }
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), entry], { cwd: options.cwd ?? appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const port = await waitFor(
    () => {
      if (hasExited) throw new Error(`app exited before listening.\nstdout:\n${out}\nstderr:\n${err}`);
      return options.readyPort ? options.readyPort(out) : /LISTENING (\d+)/.exec(out)?.[1];
    },
    { timeoutMs: 20000, what: `${entry} to listen` },
  ).catch((e: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${e.message}\nstdout:\n${out}\nstderr:\n${err}`);
  });
  const url = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    child,
    url,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (!hasExited) {
        child.kill(signal);
        const killer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(killer);
      }
      running.delete(app);
      return exited;
    },
    get: async (pathname) => {
      const res = await fetch(url + pathname);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body };
    },
  };
  running.add(app);
  return app;
}

/** Runs a script that exits by itself; resolves with how it ended and how long it took. */
export async function runScript(
  appDir: string,
  entry: string,
  options: StartAppOptions,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('OTEL_') && !(options.env && k in options.env)) delete env[k];
  if (options.preload !== 'none') {
    env.NODE_OPTIONS = options.preload === 'require'
      ? `--require ${path.join(options.preloadDir!, 'register.js')}`
      : `--import ${path.join(options.preloadDir!, 'register.mjs')}`;
  }
  const started = Date.now();
  const child = spawn(process.execPath, [entry], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30000);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (c, s) => resolve({ code: c, signal: s })),
  );
  clearTimeout(killer);
  return { code, signal, stdout, stderr, ms: Date.now() - started };
}

export async function stopAllApps(): Promise<void> {
  await Promise.all([...running].map((a) => a.stop('SIGKILL')));
}

// ---- reading what the sink received ----

export function attrs(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = anyValueToJs(kv.value ?? undefined);
  return out;
}

export interface FlatSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  statusCode: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
  scope: string;
}

export function spans(sink: OtlpSink): FlatSpan[] {
  return sink.of('traces').flatMap((req) =>
    req.resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) =>
        ss.spans.map((s) => ({
          traceId: bytesToHex(s.traceId),
          spanId: bytesToHex(s.spanId),
          parentSpanId: bytesToHex(s.parentSpanId),
          name: s.name,
          kind: s.kind ?? 0,
          statusCode: s.status?.code ?? 0,
          attributes: attrs(s.attributes),
          events: (s.events ?? []).map((e) => ({ name: e.name ?? '', attributes: attrs(e.attributes) })),
          resource: attrs(rs.resource?.attributes),
          scope: ss.scope?.name ?? '',
        })),
      ),
    ),
  );
}

export interface FlatLog {
  body: unknown;
  severityText: string;
  severityNumber: number;
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: string;
}

export function logRecords(sink: OtlpSink): FlatLog[] {
  return sink.of('logs').flatMap((req) =>
    req.resourceLogs.flatMap((rl) =>
      rl.scopeLogs.flatMap((sl) =>
        sl.logRecords.map((r) => ({
          body: anyValueToJs(r.body ?? undefined),
          severityText: r.severityText ?? '',
          severityNumber: r.severityNumber ?? 0,
          traceId: bytesToHex(r.traceId),
          spanId: bytesToHex(r.spanId),
          attributes: attrs(r.attributes),
          resource: attrs(rl.resource?.attributes),
          scope: sl.scope?.name ?? '',
        })),
      ),
    ),
  );
}

export function metricsByName(sink: OtlpSink): Map<string, { metric: Metric; resource: Record<string, unknown> }[]> {
  const out = new Map<string, { metric: Metric; resource: Record<string, unknown> }[]>();
  for (const req of sink.of('metrics')) {
    for (const rm of req.resourceMetrics) {
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          const list = out.get(m.name) ?? [];
          list.push({ metric: m, resource: attrs(rm.resource?.attributes) });
          out.set(m.name, list);
        }
      }
    }
  }
  return out;
}

/** Total count over all histogram points of the latest export of a (cumulative) histogram. */
export function histogramCount(metric: Metric, match: (a: Record<string, unknown>) => boolean = () => true): number {
  return (metric.histogram?.dataPoints ?? [])
    .filter((p) => match(attrs(p.attributes)))
    .reduce((sum, p) => sum + int64ToNumber(p.count), 0);
}

/** JSON lines an app printed on stdout. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}
