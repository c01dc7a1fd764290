/**
 * Load generator for the demo service (port of the seed's tests/load_test.py)
 * on autocannon:
 *
 *   npm run load -- --concurrency 20 --requests 500 --error-share 0.3 [--url http://127.0.0.1:8000]
 *
 * Each request goes to an error endpoint (/simulate/error, /simulate/slow)
 * with probability --error-share, else to a normal one (/, /health,
 * /dependency). Unlike the seed, which drew that choice once per run, the
 * share is applied per request, which is what its comment ("30% of requests
 * will hit error endpoints") meant. Prints totals, success rate, req/s and
 * latency min/avg/p99/max over all responses.
 */
import autocannon from 'autocannon';
import { Command, InvalidArgumentError } from 'commander';

export const NORMAL_PATHS = ['/', '/health', '/dependency'] as const;
export const ERROR_PATHS = ['/simulate/error', '/simulate/slow'] as const;

export interface LoadOptions {
  url: string;
  concurrency: number;
  requests: number;
  errorShare: number;
  /** Per-request timeout, seconds (a /simulate/slow takes up to 5 s). */
  timeoutSeconds: number;
}

export interface LoadSummary {
  total: number;
  successes: number;
  failures: number;
  /** Responses with status >= 400, and requests that got no response (timeouts, connection errors). */
  failureBreakdown: { httpErrors: number; noResponse: number };
  successRate: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latencySeconds: { min: number; avg: number; p99: number; max: number };
}

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
    return n;
  };
}

export function parseLoadArgs(argv: string[], writeErr: (s: string) => void = (s) => process.stderr.write(s)): LoadOptions {
  const program = new Command()
    .name('npm run load --')
    .description('Generate traffic against the Lookout demo app (port of the seed load_test.py)')
    .option('--url <url>', 'base URL of the demo app', 'http://127.0.0.1:8000')
    .option('--concurrency <n>', 'concurrent connections', positiveInt('--concurrency'), 10)
    .option('--requests <n>', 'total requests', positiveInt('--requests'), 100)
    .option('--error-share <share>', 'share of requests sent to the error endpoints, 0..1', (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('--error-share must be between 0 and 1');
      return n;
    }, 0.2)
    .option('--timeout <seconds>', 'per-request timeout', positiveInt('--timeout'), 10)
    .exitOverride()
    .configureOutput({ writeErr });
  program.parse(argv, { from: 'user' });
  const o = program.opts<{ url: string; concurrency: number; requests: number; errorShare: number; timeout: number }>();
  try {
    new URL(o.url);
  } catch {
    throw new Error(`--url ${JSON.stringify(o.url)} is not a URL`);
  }
  return { url: o.url.replace(/\/$/, ''), concurrency: o.concurrency, requests: o.requests, errorShare: o.errorShare, timeoutSeconds: o.timeout };
}

export function pickPath(errorShare: number, random: () => number = Math.random): string {
  const pool = random() < errorShare ? ERROR_PATHS : NORMAL_PATHS;
  return pool[Math.floor(random() * pool.length)];
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(statuses: readonly number[], latenciesMs: readonly number[], noResponse: number, durationMs: number): LoadSummary {
  const httpErrors = statuses.filter((s) => s >= 400).length;
  const successes = statuses.length - httpErrors;
  const total = statuses.length + noResponse;
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const durationSeconds = durationMs / 1000;
  return {
    total,
    successes,
    failures: httpErrors + noResponse,
    failureBreakdown: { httpErrors, noResponse },
    successRate: total === 0 ? 0 : successes / total,
    durationSeconds,
    requestsPerSecond: durationSeconds > 0 ? total / durationSeconds : 0,
    latencySeconds: {
      min: (sorted[0] ?? 0) / 1000,
      avg: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length / 1000 : 0,
      p99: percentile(sorted, 99) / 1000,
      max: (sorted.at(-1) ?? 0) / 1000,
    },
  };
}

export function formatSummary(s: LoadSummary): string {
  const sec = (v: number) => `${v.toFixed(3)}s`;
  return [
    '',
    'Load Test Results:',
    `Total Requests: ${s.total}`,
    `Successful: ${s.successes}`,
    `Failed: ${s.failures} (HTTP errors: ${s.failureBreakdown.httpErrors}, no response: ${s.failureBreakdown.noResponse})`,
    `Success Rate: ${(s.successRate * 100).toFixed(1)}%`,
    `Total Duration: ${s.durationSeconds.toFixed(2)}s`,
    `Requests/Second: ${s.requestsPerSecond.toFixed(2)}`,
    `Latency min/avg/p99/max: ${sec(s.latencySeconds.min)} / ${sec(s.latencySeconds.avg)} / ${sec(s.latencySeconds.p99)} / ${sec(s.latencySeconds.max)}`,
    '',
  ].join('\n');
}

export async function runLoad(options: LoadOptions, random: () => number = Math.random): Promise<LoadSummary> {
  const statuses: number[] = [];
  const latencies: number[] = [];
  let noResponse = 0;
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.concurrency,
        amount: options.requests,
        timeout: options.timeoutSeconds,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: pickPath(options.errorShare, random) }) }],
      },
      (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses.push(statusCode);
      latencies.push(responseTime);
    });
    instance.on('reqError', () => {
      noResponse++;
    });
  });
  return summarize(statuses, latencies, noResponse, Date.now() - started);
}

async function main(): Promise<void> {
  let options: LoadOptions;
  try {
    options = parseLoadArgs(process.argv.slice(2));
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
    if (!e.code?.startsWith('commander.')) process.stderr.write(`load: ${e.message}\n`);
    process.exit(2);
  }
  process.stdout.write(
    `Starting load test: ${options.requests} requests with ${options.concurrency} concurrent against ${options.url} ` +
      `(${Math.round(options.errorShare * 100)}% to error endpoints)\n`,
  );
  const summary = await runLoad(options);
  process.stdout.write(formatSummary(summary));
  if (summary.total > 0 && summary.failureBreakdown.noResponse === summary.total) {
    process.stderr.write(`load: no request got a response: is the demo app running at ${options.url}? (npm start)\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`load: ${err.message}\n`);
    process.exit(1);
  });
}
