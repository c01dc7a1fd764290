/**
 * `npm start`: the whole story on one machine. Runs the Lookout agent with
 * its embedded default config (OTLP/HTTP 127.0.0.1:4318, OTLP/gRPC
 * 127.0.0.1:4317, admin 127.0.0.1:9464), injects the zero-code preload into
 * ./data/otel, runs the demo app instrumented through it, and prints where to
 * look. Ctrl-C stops both. Child output goes to ./data/logs/ so the terminal
 * stays readable; alert notifications and the agent's warnings are echoed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { injectPreload } from '../../agent/inject/inject';
import { echoAgentLines } from './agent-console';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const dataDir = path.resolve(process.env.LOOKOUT_DEMO_DATA ?? path.join(repoRoot, 'data'));
const otelDir = path.join(dataDir, 'otel');
const logDir = path.join(dataDir, 'logs');
const demoPort = Number(process.env.DEMO_PORT ?? 8000);
const demoUrl = `http://127.0.0.1:${demoPort}`;
const adminUrl = 'http://127.0.0.1:9464';
const otlpUrl = 'http://127.0.0.1:4318';
const otlpGrpc = '127.0.0.1:4317';

interface Child {
  name: string;
  proc: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

function run(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  // Own process group: Ctrl-C reaches only this supervisor, which then stops the children in order.
  const proc = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  proc.stdout!.pipe(log);
  proc.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { name, proc, logFile, exited };
}

async function waitUntilOk(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void child.exited.then((c) => (exitCode = c));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${child.name} exited (code ${exitCode}) before ${url} answered`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

async function stopAll(children: Child[]): Promise<void> {
  // The app first (it flushes its telemetry to the agent on SIGTERM), then the agent.
  for (const child of [...children].reverse()) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) continue;
    child.proc.kill('SIGTERM');
    const timer = setTimeout(() => child.proc.kill('SIGKILL'), 10_000);
    await child.exited;
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  const { files } = await injectPreload(otelDir);
  const children: Child[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping the demo app and the agent...\n');
    await stopAll(children);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('exit', () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  });

  const agent = run('agent', [path.join(repoRoot, 'dist/agent/cli/main.js'), 'run'], process.env);
  children.push(agent);
  // Alert notifications (the built-in log receiver) and the agent's warnings also go to the console.
  echoAgentLines(agent.proc.stdout!, (line) => process.stdout.write(line));
  try {
    await waitUntilOk(`${adminUrl}/readyz`, agent, 30_000);
  } catch (err) {
    process.stderr.write(`the agent did not become ready: ${(err as Error).message}\n${tail(agent.logFile)}\n`);
    return shutdown(1);
  }

  const demo = run('demo-app', [path.join(repoRoot, 'dist/deploy/demo-app/server.js')], {
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require ${path.join(otelDir, 'register.js')}`].filter(Boolean).join(' '),
    OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? 'demo-app',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
    // Short enough that the agent's /metrics and queries show the traffic within seconds.
    OTEL_METRIC_EXPORT_INTERVAL: process.env.OTEL_METRIC_EXPORT_INTERVAL ?? '5000',
    HOST: '127.0.0.1',
    PORT: String(demoPort),
  });
  children.push(demo);
  try {
    await waitUntilOk(`${demoUrl}/health`, demo, 30_000);
  } catch (err) {
    process.stderr.write(`the demo app did not start: ${(err as Error).message}\n${tail(demo.logFile)}\n`);
    return shutdown(1);
  }

  for (const child of children) {
    void child.exited.then((code) => {
      if (stopping) return;
      process.stderr.write(`\n${child.name} exited unexpectedly (code ${code}); last output:\n${tail(child.logFile)}\n`);
      void shutdown(1);
    });
  }

  const q = (expr: string) => `${adminUrl}/api/v1/query?query=${encodeURIComponent(expr)}`;
  process.stdout.write(
    [
      '',
      'Lookout demo is running.',
      '',
      `  demo app            ${demoUrl}/   (/health, /simulate/error, /simulate/slow, /dependency)`,
      '  generate traffic    npm run load -- --concurrency 20 --requests 500 --error-share 0.3',
      '',
      `  agent metrics       ${adminUrl}/metrics`,
      `  agent readiness     ${adminUrl}/readyz`,
      `  request rate        ${q('sum by (http_route, http_response_status_code) (rate(http_server_request_duration_seconds_count[1m]))')}`,
      `  p99 latency         ${q('histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket[1m])))')}`,
      `  breaker state       ${q('lookout_circuit_breaker_state')}`,
      `  OTLP endpoint       ${otlpUrl}   (the app sends traces, metrics and logs here)`,
      `  OTLP/gRPC endpoint  ${otlpGrpc}   (for SDKs that default to gRPC)`,
      '  alerts              printed here as ALERT lines (no alerting config: the built-in log receiver)',
      '',
      `  preload             ${otelDir} (${files.length} files, NODE_OPTIONS=--require ${path.join(otelDir, 'register.js')})`,
      `  logs                ${agent.logFile}, ${demo.logFile}`,
      '',
      'Ctrl-C stops both.',
      '',
    ].join('\n'),
  );
}

main().catch((err: Error) => {
  process.stderr.write(`npm start: ${err.message}\n`);
  process.exit(1);
});
