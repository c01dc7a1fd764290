/**
 * Locating Prometheus' promtool for compatibility tests. Install with
 *   apt-get update && apt-get install -y prometheus
 * (stop the prometheus daemon the package starts). Tests skip when promtool is
 * missing on a developer machine, but fail in CI (CI set), where it must exist.
 */
import { spawnSync } from 'node:child_process';

export function findPromtool(): string | undefined {
  const candidates = [process.env.PROMTOOL, 'promtool', '/usr/bin/promtool'].filter((c): c is string => !!c);
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return c;
  }
  return undefined;
}

/** Skips the calling suite without promtool, unless running in CI. */
export function requirePromtool(ctx: Mocha.Context): string {
  const bin = findPromtool();
  if (bin) return bin;
  if (process.env.CI) throw new Error('promtool not found (install: apt-get install -y prometheus) and CI is set');
  ctx.skip();
  throw new Error('unreachable');
}

export interface PromtoolRun { status: number; stdout: string; stderr: string }

export function runPromtool(bin: string, args: string[], cwd?: string): PromtoolRun {
  const r = spawnSync(bin, args, { encoding: 'utf8', cwd, timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
