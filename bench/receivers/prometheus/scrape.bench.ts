/**
 * Scrape throughput: samples/s through the exposition parser (text format
 * and OpenMetrics) and through a whole scrape (HTTP on loopback, parse,
 * target labels, metric relabeling, append to a MemoryStore), as a ratio
 * against a baseline that only splits the same body into lines and fields
 * (the floor any parser pays).
 *
 * Not part of `npm test`: `npm run bench`, or
 * npx tsx bench/receivers/prometheus/scrape.bench.ts  (LOOKOUT_BENCH_SECONDS)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStore } from '../../../agent/store';
import { scrapeConfigSchema } from '../../../agent/receivers/prometheus/config';
import { newParseOutput, parseExposition, type ExpositionFormat } from '../../../agent/receivers/prometheus/parse';
import { Relabeler } from '../../../agent/receivers/prometheus/relabel';
import { ScrapeLoop } from '../../../agent/receivers/prometheus/scrape-loop';
import { timeLoop } from '../../timing';

const SERIES = 10_000;

/** A realistic exposition: histograms and counters with a few labels each. */
export function exposition(series: number, format: ExpositionFormat): string {
  const lines: string[] = ['# HELP http_requests_total Requests.', '# TYPE http_requests_total counter'];
  for (let i = 0; i < series; i++) {
    lines.push(`http_requests_total{method="GET",route="/api/items/${i % 200}",status="${200 + (i % 5)}",pod="app-${i % 7}"} ${i * 3.5}`);
  }
  if (format === 'openmetrics') lines.push('# EOF');
  return lines.join('\n') + '\n';
}

function parseRate(text: string, format: ExpositionFormat, seconds: number): number {
  return timeLoop(() => {
    const out = newParseOutput();
    const gen = parseExposition(text, format, out);
    while (!gen.next().done) { /* slices */ }
  }, seconds) * SERIES;
}

function splitRate(text: string, seconds: number): number {
  return timeLoop(() => {
    let n = 0;
    for (const line of text.split('\n')) n += line.split(' ').length;
    if (n < 0) throw new Error('unreachable');
  }, seconds) * SERIES;
}

async function scrapeRate(text: string, seconds: number): Promise<number> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  const sc = scrapeConfigSchema.parse({ job_name: 'bench', metric_relabel_configs: [{ source_labels: ['pod'], regex: 'app-(.*)', target_label: 'replica' }] });
  const store = new MemoryStore({ maxSeries: 1_000_000 });
  const loop = new ScrapeLoop({ discovered: {}, labels: { job: 'bench', instance: 'x:1' }, url }, sc, { intervalMs: 1000, timeoutMs: 10_000 }, {
    appender: store, metricRelabel: new Relabeler(sc.metric_relabel_configs), baseDir: (p) => p,
  });
  let t = Date.now() - 3_600_000;
  const end = Date.now() + seconds * 1000;
  const started = Date.now();
  let n = 0;
  while (Date.now() < end) {
    await loop.scrapeAndReport(t += 1000);
    n++;
  }
  server.close();
  return (n * SERIES) / ((Date.now() - started) / 1000);
}

export async function run(seconds: number): Promise<void> {
  const text = exposition(SERIES, 'text');
  const om = exposition(SERIES, 'openmetrics');
  const base = splitRate(text, seconds);
  const fmt = (name: string, rate: number) => console.log(`${name.padEnd(42)} ${(rate / 1e6).toFixed(2).padStart(7)} M samples/s  ${(rate / base).toFixed(2)}x baseline`);
  fmt('baseline: split lines and fields', base);
  fmt('parse, text format 0.0.4', parseRate(text, 'text', seconds));
  fmt('parse, OpenMetrics 1.0', parseRate(om, 'openmetrics', seconds));
  fmt('whole scrape (HTTP, relabel, store append)', await scrapeRate(text, seconds));
}

if (require.main === module) {
  run(Number(process.env.LOOKOUT_BENCH_SECONDS ?? 3)).catch((err) => { console.error(err); process.exitCode = 1; });
}
