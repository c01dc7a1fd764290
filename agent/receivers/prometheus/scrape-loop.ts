/**
 * The scrape loop of one target (Prometheus' scrapeLoop): scrape every
 * interval at a per-target offset, parse in event-loop slices, apply
 * metric_relabel_configs, sample_limit and label_limit, write to the store,
 * report the synthetic series and write staleness markers for series that
 * disappeared (and, when the target goes away, for all of its series).
 */
import type { Appender, Labels } from '../../store';
import type { BudgetedAppender } from '../../store/memory-store';
import { labelsKey, stringHash } from '../../store/labels';
import type { ScrapeConfig } from './config';
import { scrapeOnce, BodyTooLargeError } from './fetch';
import { formatOf, newParseOutput, parseExposition, type ParsedSample } from './parse';
import type { Relabeler } from './relabel';
import type { Target } from './target';
import type { ExportMetricsServiceRequest } from '../../otlp/model';
import { scrapeToOtlp } from './to-otlp';

/** How long one parse/append slice may hold the event loop before yielding. */
const SLICE_MS = 10;

export interface ScrapeLoopDeps {
  appender: BudgetedAppender | Appender;
  metricRelabel: Relabeler;
  baseDir: (p: string) => string;
  now?: () => number;
  onScrape?: (s: ScrapeReport) => void;
  /** upstream: true: every successful scrape also goes here as an OTLP metrics request. */
  upstream?: (req: ExportMetricsServiceRequest) => Promise<void>;
  onUpstreamError?: (err: Error) => void;
}

export interface ScrapeReport { job: string; ok: boolean; error?: string; bodyTooLarge: boolean; refused: number; exemplars: number }

export interface TargetHealth {
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: number | undefined;
  lastScrapeDurationSeconds: number;
}

export class ScrapeLoop {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  /** Series (by labelsKey) written in the last scrape without an explicit timestamp: the staleness set. */
  private previous = new Map<string, Labels>();
  private readonly reportKeys = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'];
  readonly health: TargetHealth = { health: 'unknown', lastError: '', lastScrape: undefined, lastScrapeDurationSeconds: 0 };
  private readonly now: () => number;
  /** The first successful scrape (ms): the OTLP start time of series without a _created sample. */
  private firstScrapeMs: number | undefined;

  constructor(
    readonly target: Target,
    private readonly sc: ScrapeConfig,
    readonly timing: { intervalMs: number; timeoutMs: number },
    private readonly deps: ScrapeLoopDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    // Prometheus spreads targets over the interval by a hash of the target; the same here.
    const offset = stringHash(this.target.url + labelsKey(this.target.labels)) % this.timing.intervalMs;
    const now = this.now();
    const base = now - (now % this.timing.intervalMs) + offset;
    const first = base >= now ? base : base + this.timing.intervalMs;
    this.schedule(Math.min(first - now, 1000));
  }

  /** Stops scraping; with markStale, writes staleness markers for every series of the last scrape (the target went away). */
  async stop(markStale: boolean): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (markStale) {
      const t = this.now();
      for (const labels of this.previous.values()) this.deps.appender.markStale(labels, t);
      for (const name of this.reportKeys) this.deps.appender.markStale({ ...this.target.labels, __name__: name }, t);
      this.previous.clear();
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = this.now();
      this.running = this.scrapeAndReport(started).finally(() => {
        this.running = undefined;
        const next = this.timing.intervalMs - ((this.now() - started) % this.timing.intervalMs);
        this.schedule(next);
      });
    }, delay);
    this.timer.unref?.();
  }

  /** One scrape at `start` (ms): the samples, the report series, the staleness markers. */
  async scrapeAndReport(start: number): Promise<void> {
    const app = this.deps.appender;
    if ('beginRequest' in app) app.beginRequest();
    let scraped = 0;
    let post = 0;
    let added = 0;
    let error: string | undefined;
    let bodyTooLarge = false;
    let refused = 0;
    let exemplars = 0;
    const current = new Map<string, Labels>();
    try {
      const res = await scrapeOnce(this.target.url, this.sc, this.timing.timeoutMs, this.deps.baseDir);
      const out = newParseOutput();
      await runSliced(parseExposition(res.body, formatOf(res.contentType), out));
      exemplars = out.exemplars;
      scraped = out.samples.length;
      const accepted = await runSliced(this.relabelAll(out.samples));
      post = accepted.length;
      if (this.sc.sample_limit > 0 && post > this.sc.sample_limit) throw new Error(`sample limit exceeded (sample_limit: ${this.sc.sample_limit}, got ${post})`);
      if (this.sc.label_limit > 0) {
        for (const s of accepted) {
          const n = Object.keys(s.labels).length;
          if (n > this.sc.label_limit) throw new Error(`label_limit exceeded (metric: ${s.labels.__name__}, number of labels: ${n}, limit: ${this.sc.label_limit})`);
        }
      }
      for (const [name, meta] of out.metadata) app.setMetadata(name, meta);
      let sliceStart = performance.now();
      for (const s of accepted) {
        const explicit = this.sc.honor_timestamps && s.timestampMs !== undefined;
        const t = explicit ? s.timestampMs! : start;
        if (!app.append(s.labels, t, s.value)) { refused++; continue; }
        if (!explicit) {
          const key = labelsKey(s.labels);
          if (!this.previous.has(key)) added++;
          current.set(key, s.labels);
        }
        if (performance.now() - sliceStart > SLICE_MS) {
          await new Promise<void>((r) => setImmediate(r));
          sliceStart = performance.now();
        }
      }
      this.firstScrapeMs ??= start;
      if (this.deps.upstream) {
        // Not awaited: a slow or refusing upstream never delays the next scrape; refusals are counted.
        this.deps.upstream(scrapeToOtlp(accepted, out.metadata, this.target.labels, start, this.firstScrapeMs))
          .catch((e: Error) => this.deps.onUpstreamError?.(e));
      }
    } catch (err) {
      error = (err as Error).message;
      bodyTooLarge = err instanceof BodyTooLargeError;
      // A failed scrape reports nothing: Prometheus then marks every series of the last scrape stale.
      current.clear();
      added = 0;
      post = error.startsWith('sample limit') || error.startsWith('label_limit') ? post : 0;
    }
    // Staleness: series of the previous scrape that this scrape did not report.
    for (const [key, labels] of this.previous) if (!current.has(key)) app.markStale(labels, start);
    this.previous = current;
    const durationS = (this.now() - start) / 1000;
    const report = (name: string, v: number) => { app.append({ ...this.target.labels, __name__: name }, start, v); };
    report('up', error ? 0 : 1);
    report('scrape_duration_seconds', durationS);
    report('scrape_samples_scraped', scraped);
    report('scrape_samples_post_metric_relabeling', post);
    report('scrape_series_added', added);
    Object.assign(this.health, { health: error ? 'down' : 'up', lastError: error ?? '', lastScrape: start, lastScrapeDurationSeconds: durationS });
    this.deps.onScrape?.({ job: this.sc.job_name, ok: !error, error, bodyTooLarge, refused, exemplars });
  }

  /** Target labels merged (honor_labels) and metric_relabel_configs applied, in slices. */
  private *relabelAll(samples: ParsedSample[]): Generator<void, ParsedSample[], void> {
    const out: ParsedSample[] = [];
    const tl = this.target.labels;
    const relabel = this.deps.metricRelabel;
    let i = 0;
    for (const s of samples) {
      if (++i % 2000 === 0) yield;
      const lb = s.labels;
      for (const [k, v] of Object.entries(tl)) {
        if (this.sc.honor_labels) {
          if (!lb[k]) lb[k] = v;
        } else {
          // Conflicting scraped labels are kept as exported_<name> (exported_exported_… if taken).
          if (lb[k] !== undefined && lb[k] !== '') {
            let name = `exported_${k}`;
            while (lb[name] !== undefined && lb[name] !== '') name = `exported_${name}`;
            lb[name] = lb[k];
          }
          lb[k] = v;
        }
      }
      const labels = relabel.empty ? dropEmpty(lb) : relabel.apply(lb);
      if (!labels || !labels.__name__) continue;
      out.push({ ...s, labels });
    }
    return out;
  }
}

function dropEmpty(lb: Labels): Labels {
  for (const k of Object.keys(lb)) if (lb[k] === '') delete lb[k];
  return lb;
}

/** Runs a generator, yielding to the event loop whenever a slice took longer than SLICE_MS. */
export async function runSliced<T>(gen: Generator<void, T, void>): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}
