import { MemoryStore } from '../../agent/store/memory-store';
import { createEngine } from '../../agent/promql/engine';
import { benchSeries, fillStore, T0, T_END } from './prometheus-dataset';

async function main(): Promise<void> {
  const series = benchSeries(10_000);
  const store = new MemoryStore({ maxSeries: 1_000_000, now: () => T_END });
  fillStore(store, series);
  const engine = createEngine(store, { maxSamples: 50_000_000, timeoutMs: 120_000 });
  const which = process.env.Q ?? 'range';
  const n = Number(process.env.N ?? 20);
  const run = async (): Promise<void> => {
    if (which === 'range') await engine.rangeQueryAsync('rate(bench_requests_total{job="job1"}[5m])', T0, T_END, 15_000);
    else await engine.instantQueryAsync('max_over_time(rate(bench_requests_total{job="job1"}[5m])[30m:1m])', T_END);
  };
  for (let i = 0; i < 3; i++) await run();
  const { Session } = await import('node:inspector');
  const fs = await import('node:fs');
  const session = new Session();
  session.connect();
  const post = (m: string, p?: object): Promise<any> => new Promise((res, rej) => session.post(m, p ?? {}, (e, r) => (e ? rej(e) : res(r))));
  if (process.env.PROF) { await post('Profiler.enable'); await post('Profiler.setSamplingInterval', { interval: 100 }); await post('Profiler.start'); }
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    await run();
    const u = process.cpuUsage(c);
    ts.push((u.user + u.system) / 1000);
  }
  if (process.env.PROF) { const { profile } = await post('Profiler.stop'); fs.writeFileSync(process.env.PROF, JSON.stringify(profile)); }
  ts.sort((a, b) => a - b);
  console.log(which, 'cpu ms min', ts[0].toFixed(1), 'median', ts[n >> 1].toFixed(1));
}
void main();
