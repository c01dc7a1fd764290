/**
 * The demo service's settings, from environment variables (it runs in a
 * container next to the sidecar; env is what Kubernetes and compose give).
 * Unknown DEMO_* variables are reported as typos.
 */
import { z } from 'zod';

const rate = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name}: expected a number between 0 and 1` })
    .min(0, `${name}: expected a number between 0 and 1`)
    .max(1, `${name}: expected a number between 0 and 1`)
    .default(fallback);

const ms = (name: string, fallback: number) =>
  z.coerce.number({ error: `${name}: expected milliseconds` }).int(`${name}: expected whole milliseconds`).min(0, `${name}: expected milliseconds >= 0`).default(fallback);

const envSchema = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number({ error: 'PORT: expected a TCP port' }).int().min(0).max(65535, 'PORT: expected a TCP port').default(8000),
  DEMO_ERROR_RATE: rate('DEMO_ERROR_RATE', 0.8),
  DEMO_SLOW_MIN_MS: ms('DEMO_SLOW_MIN_MS', 1000),
  DEMO_SLOW_MAX_MS: ms('DEMO_SLOW_MAX_MS', 5000),
  DEMO_DEPENDENCY_FAILURE_RATE: rate('DEMO_DEPENDENCY_FAILURE_RATE', 0.3),
  DEMO_DEPENDENCY_URL: z.url({ error: 'DEMO_DEPENDENCY_URL: expected an http(s) URL' }).optional(),
  DEMO_DEPENDENCY_TIMEOUT_MS: ms('DEMO_DEPENDENCY_TIMEOUT_MS', 2000),
  DEMO_RETRY_BASE_DELAY_MS: ms('DEMO_RETRY_BASE_DELAY_MS', 100),
  DEMO_BREAKER_FAILURES: z.coerce.number().int().min(1, 'DEMO_BREAKER_FAILURES: expected an integer >= 1').default(5),
  DEMO_BREAKER_OPEN_MS: ms('DEMO_BREAKER_OPEN_MS', 10_000),
});

export const DEMO_ENV_KEYS: readonly string[] = Object.keys(envSchema.shape);

export interface DemoConfig {
  host: string;
  port: number;
  /** Share of /simulate/error calls answered with 500 (seed: 80 %). */
  errorRate: number;
  /** /simulate/slow waits uniformly in [slowMinMs, slowMaxMs] (seed: 1-5 s). */
  slowMinMs: number;
  slowMaxMs: number;
  /** Share of calls the flaky inventory dependency answers with 503. */
  dependencyFailureRate: number;
  /** Where /dependency calls the inventory service; default: this process's own /internal/inventory. */
  dependencyUrl?: string;
  dependencyTimeoutMs: number;
  /** First retry delay for dependency calls (doubling, with jitter, max 1 s). */
  retryBaseDelayMs: number;
  breakerFailures: number;
  breakerOpenMs: number;
}

export class DemoConfigError extends Error {
  override name = 'DemoConfigError';
}

export function loadDemoConfig(env: NodeJS.ProcessEnv): DemoConfig {
  const problems: string[] = [];
  for (const key of Object.keys(env)) {
    if (key.startsWith('DEMO_') && !DEMO_ENV_KEYS.includes(key)) problems.push(`${key}: unknown setting (known: ${DEMO_ENV_KEYS.filter((k) => k.startsWith('DEMO_')).join(', ')})`);
  }
  const picked = Object.fromEntries(DEMO_ENV_KEYS.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]));
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => (i.message.includes(':') ? i.message : `${String(i.path[0])}: ${i.message}`)));
  if (parsed.success && parsed.data.DEMO_SLOW_MIN_MS > parsed.data.DEMO_SLOW_MAX_MS) {
    problems.push('DEMO_SLOW_MIN_MS: must not exceed DEMO_SLOW_MAX_MS');
  }
  if (problems.length > 0 || !parsed.success) throw new DemoConfigError(`invalid demo app settings:\n  ${problems.join('\n  ')}`);
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    errorRate: e.DEMO_ERROR_RATE,
    slowMinMs: e.DEMO_SLOW_MIN_MS,
    slowMaxMs: e.DEMO_SLOW_MAX_MS,
    dependencyFailureRate: e.DEMO_DEPENDENCY_FAILURE_RATE,
    dependencyUrl: e.DEMO_DEPENDENCY_URL,
    dependencyTimeoutMs: e.DEMO_DEPENDENCY_TIMEOUT_MS,
    retryBaseDelayMs: e.DEMO_RETRY_BASE_DELAY_MS,
    breakerFailures: e.DEMO_BREAKER_FAILURES,
    breakerOpenMs: e.DEMO_BREAKER_OPEN_MS,
  };
}
