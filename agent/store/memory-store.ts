/**
 * The in-memory TSDB: series keyed by their label set, a postings index for
 * selection, retention by compaction, a hard cardinality limit. It is the
 * Querier the PromQL engine reads and the Appender that OTLP conversion,
 * the span/log metrics connectors and recording rules write to.
 */
import type { Appender, LabelMatcher, Labels, MetricMetadata, Querier, SampleScratch, SeriesData, SeriesRef } from './types';
import { canonicalLabels, labelsHash, sameLabels, StringInterner } from './labels';
import { LabelIndex } from './label-index';
import { sortByLabels } from './label-order';
import { Arena, MemSeries } from './mem-series';
import { applyLabelLimits, DEFAULT_LABEL_LIMITS, type LabelLimits } from './label-limits';

/**
 * Why a sample was refused:
 *   series_limit          a new series beyond maxSeries
 *   source_series_limit   a new series beyond its source's budget (maxSeries - reservedSeries for app metrics)
 *   request_series_limit  a new series beyond the budget's new series per request
 *   label_bytes_limit     a new series while label text held is over maxLabelBytes
 *   label_limit           a new series with more labels than labelLimit
 *   label_name_length     a new series with a label name longer than labelNameLengthLimit
 *   too_far_in_future     a timestamp more than maxFutureMs ahead of the clock
 *   out_of_order          not newer than the series' newest sample
 */
export const REFUSAL_REASONS = [
  'series_limit', 'source_series_limit', 'request_series_limit', 'label_bytes_limit', 'label_limit', 'label_name_length',
  'too_far_in_future', 'out_of_order',
] as const;
export type RefusalReason = typeof REFUSAL_REASONS[number];

const REFUSAL_MESSAGES: Record<RefusalReason, string> = {
  series_limit: 'store: series limit reached, refusing samples of new series (raise store.max_series or reduce label cardinality)',
  source_series_limit: 'store: a source reached its series budget (store.max_series - store.reserved_series for app metrics), refusing its new series; the agent\'s own series keep their reserve',
  request_series_limit: 'store: one request tried to create more new series than store.max_new_series_per_request; the rest of its new series are refused',
  label_bytes_limit: 'store: label text held is over store.max_label_bytes, refusing samples of new series',
  label_limit: 'store: refusing a series with more labels than store.label_limit',
  label_name_length: 'store: refusing a series with a label name longer than store.label_name_length_limit',
  too_far_in_future: 'store: refusing a sample stamped further in the future than store.max_future (a wrong clock would make later samples of its series out of order)',
  out_of_order: 'store: refusing out-of-order sample (its timestamp is not newer than the series\' newest sample)',
};

/** A share of the series limit for one writer (e.g. OTLP metrics from the app), so it cannot starve the others. */
export interface SeriesBudget {
  readonly source: string;
  /** Most live series this source may hold. */
  readonly maxSeries: number;
  /** Most new series per request (between beginRequest() calls); 0 = no limit. */
  readonly maxNewSeriesPerRequest: number;
  series: number;
  newThisRequest: number;
}

/** An Appender that creates series under a SeriesBudget. */
export interface BudgetedAppender extends Appender {
  readonly budget: SeriesBudget;
  readonly labelLimits: LabelLimits;
  /** Starts a new request for maxNewSeriesPerRequest. */
  beginRequest(): void;
}

/**
 * Told about every change the store accepts, in order, so that replaying
 * the same calls rebuilds the same state: the write-ahead log's hook
 * (agent/store/wal). Series are named by their id, stable across restarts.
 */
export interface StoreWriteListener {
  seriesCreated(id: number, labels: Labels): void;
  sampleAppended(id: number, t: number, v: number): void;
  markedStale(id: number, t: number): void;
  metadataSet(metricName: string, meta: MetricMetadata): void;
}

/** The subset of a pino logger the store uses (warnings about refused samples). */
export interface StoreLogger {
  warn(obj: object, msg: string): void;
}

export interface MemoryStoreOptions {
  /** How long samples are kept (ms); default 1 h. */
  retentionMs?: number;
  /** Series beyond this many are refused (never an out-of-memory); default 100 000. */
  maxSeries?: number;
  /** Clock (ms), injectable for tests; default Date.now. */
  now?: () => number;
  /** Called for every refused sample (feeds e.g. lookout_store_refused_samples_total{reason}). */
  onRefused?: (reason: RefusalReason, labels: Labels) => void;
  /** Receives at most one warning per reason per logIntervalMs. */
  logger?: StoreLogger;
  /** Minimum time between two warnings for the same reason; default 1 min. */
  logIntervalMs?: number;
  /** Label count and length limits for new series; defaults DEFAULT_LABEL_LIMITS. */
  labelLimits?: Partial<LabelLimits>;
  /** Samples stamped more than this far ahead of now() are refused; default 10 min; 0 = no check. */
  maxFutureMs?: number;
  /** Series of maxSeries kept for writers without a budget (the agent's own); default 20 % of maxSeries. */
  reservedSeries?: number;
  /** New series are refused while interned label text exceeds this (bytes, UTF-16); default 64 MiB; 0 = no limit. */
  maxLabelBytes?: number;
}

export interface LatestSample {
  labels: Labels;
  t: number;
  v: number;
}

export interface CompactResult {
  droppedSeries: number;
  droppedChunks: number;
}

export interface StoreStats {
  series: number;
  samples: number;
  chunks: number;
  /** Bytes held by sample data (raw heads + compressed chunks). */
  sampleBytes: number;
  refusedSamples: Record<RefusalReason, number>;
  /** Label values cut to labelValueLengthLimit on new series. */
  truncatedLabelValues: number;
  /** Bytes of interned label text (UTF-16 estimate). */
  labelBytes: number;
}

export const DEFAULT_RETENTION_MS = 3600_000;
/** The owner of a series restored from the WAL until a writer appends to it (MemoryStore.adopt). */
const RESTORED = Object.freeze({ restored: true });
const MATCH_CACHE_REFS = 1_000_000;

/** A string whose order is Prometheus' label-set order (NUL sorts below every character). */
export const DEFAULT_MAX_SERIES = 100_000;
export const DEFAULT_MAX_FUTURE_MS = 600_000;
export const DEFAULT_MAX_LABEL_BYTES = 64 * 1024 * 1024;
/** Share of maxSeries kept for the agent's own series when reservedSeries is not given. */
export const DEFAULT_RESERVED_SHARE = 0.2;

/**
 * The label-set hash the store keys series by, cut to 30 bits: V8 keeps such
 * numbers unboxed (small integers), where a 53-bit one is a 16-byte heap
 * number in the map key and again in the series. Collisions (a few at 100 000
 * series) are resolved by comparing the label sets.
 */
function hashOf(labels: Labels): number {
  return labelsHash(labels) & 0x3fffffff;
}

function zeroByReason(): Record<RefusalReason, number> {
  return Object.fromEntries(REFUSAL_REASONS.map((r) => [r, 0])) as Record<RefusalReason, number>;
}

export class MemoryStore implements Querier, Appender {
  readonly retentionMs: number;
  readonly maxSeries: number;
  private readonly now: () => number;
  private readonly onRefused?: (reason: RefusalReason, labels: Labels) => void;
  private readonly logger?: StoreLogger;
  private readonly logIntervalMs: number;
  /** Series by label-set hash; a (rare) collision keeps a list. */
  private readonly byHash = new Map<number, MemSeries | MemSeries[]>();
  private count = 0;
  private readonly index = new LabelIndex<MemSeries>();
  private readonly interner = new StringInterner();
  private readonly meta = new Map<string, MetricMetadata>();
  private readonly refused = zeroByReason();
  private readonly lastWarned = Object.fromEntries(REFUSAL_REASONS.map((r) => [r, -Infinity])) as Record<RefusalReason, number>;
  private readonly suppressed = zeroByReason();
  readonly labelLimits: LabelLimits;
  readonly maxFutureMs: number;
  readonly reservedSeries: number;
  readonly maxLabelBytes: number;
  private truncated = 0;
  /** Series at the top of maxSeries only ALERTS / ALERTS_FOR_STATE may take (1 %, at most 1000). */
  readonly alertsReserve: number;
  private nextId = 1;
  private listener: StoreWriteListener | undefined;
  /** The WAL's listener and the taps (remote write), composed into `listener`. */
  private walListener: StoreWriteListener | undefined;
  private taps: StoreWriteListener[] = [];
  /** Bumped whenever series are created or dropped: cached matcher results older than this are stale. */
  private generation = 0;
  /** Matcher results in label order, per matcher set (rules ask the same selectors again and again). */
  private readonly matchCache = new Map<string, { generation: number; series: readonly MemSeries[] }>();
  private matchCacheSize = 0;
  readonly sortedByLabels = true;

  constructor(opts: MemoryStoreOptions = {}) {
    this.retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
    this.maxSeries = opts.maxSeries ?? DEFAULT_MAX_SERIES;
    if (!(this.retentionMs > 0)) throw new Error(`MemoryStore: retentionMs must be positive, got ${this.retentionMs}`);
    if (!(this.maxSeries > 0)) throw new Error(`MemoryStore: maxSeries must be positive, got ${this.maxSeries}`);
    this.now = opts.now ?? Date.now;
    this.onRefused = opts.onRefused;
    this.logger = opts.logger;
    this.logIntervalMs = opts.logIntervalMs ?? 60_000;
    this.labelLimits = { ...DEFAULT_LABEL_LIMITS, ...opts.labelLimits };
    this.maxFutureMs = opts.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
    this.reservedSeries = Math.min(this.maxSeries - 1, opts.reservedSeries ?? Math.floor(this.maxSeries * DEFAULT_RESERVED_SHARE));
    this.maxLabelBytes = opts.maxLabelBytes ?? DEFAULT_MAX_LABEL_BYTES;
    this.alertsReserve = Math.min(1000, Math.floor(this.maxSeries * 0.01));
  }

  /**
   * An Appender whose new series count against a budget of their own:
   * at most maxSeries - reservedSeries live series (default) and
   * maxNewSeriesPerRequest new ones between beginRequest() calls. The
   * metrics an app sends go through one, so a flood of app series leaves
   * the reserve to spanmetrics, logmetrics, ALERTS and the agent's own metrics.
   */
  budgetedAppender(source: string, opts: { maxSeries?: number; maxNewSeriesPerRequest?: number } = {}): BudgetedAppender {
    const budget: SeriesBudget = {
      source,
      maxSeries: opts.maxSeries ?? this.maxSeries - this.reservedSeries,
      maxNewSeriesPerRequest: opts.maxNewSeriesPerRequest ?? 0,
      series: 0,
      newThisRequest: 0,
    };
    return {
      budget,
      labelLimits: this.labelLimits,
      beginRequest: () => { budget.newThisRequest = 0; },
      append: (labels, t, v) => this.appendWithin(budget, labels, t, v),
      seriesRef: (labels) => this.find(labels),
      appendRef: (ref, t, v) => this.appendRefWithin(budget, ref, t, v),
      markStale: (labels, t) => this.markStale(labels, t),
      setMetadata: (name, meta) => this.setMetadata(name, meta),
    };
  }

  // ---- Appender ----

  append(labels: Labels, t: number, v: number): boolean {
    return this.appendWithin(undefined, labels, t, v);
  }

  private appendWithin(budget: SeriesBudget | undefined, labels: Labels, t: number, v: number): boolean {
    if (!this.timeAcceptable(t, labels)) return false;
    const hash = hashOf(labels);
    let s = this.lookup(hash, labels);
    if (!s) {
      const created = this.newSeries(budget, hash, labels);
      if (typeof created === 'string') {
        this.refuse(created, labels);
        return false;
      }
      s = created;
    }
    if (s.owner === RESTORED) this.adopt(s, budget);
    return this.appendTo(s, t, v);
  }

  /**
   * A series restored from the WAL has no owner: which writer created it is
   * not logged. The first writer that appends to it after the restart takes
   * it: a budgeted one counts it in its budget from then on (even beyond its
   * maxSeries, which then only stops its new series), any other leaves it
   * unbudgeted like the series it creates itself. Until then it counts only
   * against maxSeries, and retention drops it if nobody writes it again.
   */
  private adopt(s: MemSeries, budget: SeriesBudget | undefined): void {
    s.owner = budget;
    if (budget) budget.series++;
  }

  /** Appender.seriesRef: the series these labels name (as append() would find it), if it exists. */
  seriesRef(labels: Labels): SeriesRef | undefined {
    return this.find(labels);
  }

  /** Appender.appendRef: append() without hashing and lookup; a dropped series takes the long way again. */
  appendRef(ref: SeriesRef, t: number, v: number): boolean {
    return this.appendRefWithin(undefined, ref, t, v);
  }

  private appendRefWithin(budget: SeriesBudget | undefined, ref: SeriesRef, t: number, v: number): boolean {
    const s = ref as MemSeries;
    if (s.dropped || !(s instanceof MemSeries)) return this.appendWithin(budget, ref.labels, t, v);
    if (!this.timeAcceptable(t, s.labels)) return false;
    if (s.owner === RESTORED) this.adopt(s, budget);
    return this.appendTo(s, t, v);
  }

  private timeAcceptable(t: number, labels: Labels): boolean {
    if (!Number.isFinite(t)) throw new Error(`MemoryStore.append: timestamp must be a finite number of ms, got ${t}`);
    if (this.maxFutureMs > 0 && t > this.now() + this.maxFutureMs) {
      this.refuse('too_far_in_future', labels);
      return false;
    }
    return true;
  }

  private appendTo(s: MemSeries, t: number, v: number): boolean {
    const r = s.append(t, v);
    if (r === 'out_of_order') {
      this.refuse('out_of_order', s.labels);
      return false;
    }
    if (r === 'ok') this.listener?.sampleAppended(s.id, t, v);
    return true;
  }

  /** The series for labels not found as given: the limited form's series, or a new one, or why not. */
  private newSeries(budget: SeriesBudget | undefined, hash: number, labels: Labels): MemSeries | RefusalReason {
    if (!Object.keys(labels).some((n) => labels[n] !== '' && labels[n] !== undefined)) {
      throw new Error('MemoryStore.append: a series needs at least one non-empty label (normally __name__)');
    }
    const limited = applyLabelLimits(labels, this.labelLimits);
    if (limited.refused) return limited.refused;
    if (limited.truncated > 0) {
      // Cut values may name a series that exists already (one truncated earlier).
      labels = limited.labels;
      hash = hashOf(labels);
      const existing = this.lookup(hash, labels);
      if (existing) return existing;
    }
    // The last few series are for the rules' ALERTS state alone: whatever fills the store, alerts still fire.
    if (this.count >= this.maxSeries || (this.count >= this.maxSeries - this.alertsReserve && !isAlertsSeries(labels))) return 'series_limit';
    if (this.maxLabelBytes > 0 && this.interner.bytes > this.maxLabelBytes) return 'label_bytes_limit';
    if (budget) {
      if (budget.series >= budget.maxSeries) return 'source_series_limit';
      if (budget.maxNewSeriesPerRequest > 0 && budget.newThisRequest >= budget.maxNewSeriesPerRequest) return 'request_series_limit';
      budget.series++;
      budget.newThisRequest++;
    }
    const s = this.createSeries(hash, labels);
    s.owner = budget;
    this.truncated += limited.truncated;
    return s;
  }

  markStale(labels: Labels, t: number): void {
    const s = this.find(labels);
    if (s?.markStale(t)) this.listener?.markedStale(s.id, t);
  }

  /** The series labels name, as given or with their values cut as a new series' would be. */
  private find(labels: Labels): MemSeries | undefined {
    const s = this.lookup(hashOf(labels), labels);
    if (s) return s;
    const limited = applyLabelLimits(labels, this.labelLimits);
    return limited.truncated > 0 ? this.lookup(hashOf(limited.labels), limited.labels) : undefined;
  }

  setMetadata(metricName: string, meta: MetricMetadata): void {
    this.meta.set(metricName, { type: meta.type, help: meta.help, unit: meta.unit });
    this.listener?.metadataSet(metricName, meta);
  }

  // ---- persistence hook (agent/store/wal): nothing here counts, logs or notifies ----

  /** Sets (or clears) the listener told about every accepted change. */
  setWriteListener(listener: StoreWriteListener | undefined): void {
    this.walListener = listener;
    this.composeListeners();
  }

  /** Adds a second listener next to the WAL's (the remote-write exporter); returns its removal. */
  addWriteTap(tap: StoreWriteListener): () => void {
    this.taps.push(tap);
    this.composeListeners();
    return () => {
      this.taps = this.taps.filter((t) => t !== tap);
      this.composeListeners();
    };
  }

  private composeListeners(): void {
    const all = [this.walListener, ...this.taps].filter((l): l is StoreWriteListener => l !== undefined);
    this.listener = all.length <= 1 ? all[0] : {
      seriesCreated: (id, labels) => { for (const l of all) l.seriesCreated(id, labels); },
      sampleAppended: (id, t, v) => { for (const l of all) l.sampleAppended(id, t, v); },
      markedStale: (id, t) => { for (const l of all) l.markedStale(id, t); },
      metadataSet: (name, meta) => { for (const l of all) l.metadataSet(name, meta); },
    };
  }

  /** Every series (id, labels, state), for a checkpoint. */
  persistedSeries(): IterableIterator<MemSeries> {
    return this.series();
  }

  /**
   * The series with these labels, created when missing with the given id (kept
   * from the run that wrote it) if that keeps ids increasing (the postings
   * lists rely on it), else with a fresh one: the caller compares s.id.
   * Undefined beyond max_series. For replay only.
   */
  restoreSeries(id: number, labels: Labels): MemSeries | undefined {
    const hash = hashOf(labels);
    const existing = this.lookup(hash, labels);
    if (existing) return existing;
    if (this.count >= this.maxSeries) return undefined;
    if (id >= this.nextId) this.nextId = id;
    const s = this.createSeries(hash, labels);
    s.owner = RESTORED;
    return s;
  }

  // ---- Querier ----

  select(matchers: LabelMatcher[], mint: number, maxt: number, scratch?: SampleScratch): SeriesData[] {
    return runSteps(this.selectSteps(matchers, mint, maxt, scratch, () => false));
  }

  /** select() in slices (Querier.selectSteps): yields when due() says so, while matching and while decoding. */
  *selectSteps(matchers: LabelMatcher[], mint: number, maxt: number, scratch: SampleScratch | undefined, due: () => boolean): Generator<void, SeriesData[], void> {
    const out: SeriesData[] = [];
    // A one-off arena (callers without scratch): small blocks, as every window is copied into it.
    const arena = scratch ?? new Arena(4096);
    for (const s of yield* this.sortedMatchSteps(matchers, due)) {
      if (due()) yield;
      const w = s.window(mint, maxt, arena);
      if (w.t.length === 0 && w.staleT.length === 0) continue;
      out.push({ labels: s.labels, t: w.t, v: w.v, staleT: w.staleT });
    }
    return out;
  }

  labelNames(matchers?: LabelMatcher[]): string[] {
    return runSteps(this.labelNamesSteps(matchers ?? [], () => false));
  }

  /** labelNames() in slices (Querier.labelNamesSteps): yields when due() says so, while matching and while collecting. */
  *labelNamesSteps(matchers: LabelMatcher[], due: () => boolean): Generator<void, string[], void> {
    if (matchers.length === 0) return this.index.labelNames();
    const names = new Set<string>();
    for (const s of yield* this.index.matchSteps(matchers, due)) {
      if (due()) yield;
      for (const n in s.labels) names.add(n);
    }
    return [...names].sort();
  }

  labelValues(name: string, matchers?: LabelMatcher[]): string[] {
    return runSteps(this.labelValuesSteps(name, matchers ?? [], () => false));
  }

  /** labelValues() in slices (Querier.labelValuesSteps). */
  *labelValuesSteps(name: string, matchers: LabelMatcher[], due: () => boolean): Generator<void, string[], void> {
    if (matchers.length === 0) return this.index.labelValues(name);
    const values = new Set<string>();
    for (const s of yield* this.index.matchSteps(matchers, due)) {
      if (due()) yield;
      const v = s.labels[name];
      if (v !== undefined) values.add(v);
    }
    return [...values].sort();
  }

  // ---- exposition, metadata, housekeeping ----

  /** The newest sample of every series that is not stale (for /metrics federation-style exposition). */
  *allSeriesLatest(): IterableIterator<LatestSample> {
    for (const s of this.series()) {
      if (s.lastSampleT === -Infinity || s.isStale) continue;
      yield { labels: s.labels, t: s.lastSampleT, v: s.lastV };
    }
  }

  /** Type/help/unit per metric family name, as set by writers. */
  metadata(): ReadonlyMap<string, MetricMetadata> {
    return this.meta;
  }

  /** Drops chunks, markers and whole series older than the retention window; call periodically. */
  compact(now: number = this.now()): CompactResult {
    const cutoff = now - this.retentionMs;
    let droppedChunks = 0;
    const removed = new Set<MemSeries>();
    for (const s of this.series()) {
      if (s.lastT < cutoff) {
        droppedChunks += s.chunks.length;
        removed.add(s);
        continue;
      }
      droppedChunks += s.dropBefore(cutoff);
    }
    if (removed.size > 0) {
      for (const s of removed) this.forget(s);
      this.index.removeMany(removed);
      const live = new Set<string>();
      for (const s of this.series()) for (const n in s.labels) { live.add(n); live.add(s.labels[n]); }
      this.interner.retainOnly(live);
    }
    return { droppedSeries: removed.size, droppedChunks };
  }

  get seriesCount(): number {
    return this.count;
  }

  /** Samples refused because a new series would have exceeded maxSeries. */
  get refusedSeries(): number {
    return this.refused.series_limit;
  }

  /** Samples refused because they were not newer than the series' newest sample. */
  get refusedOutOfOrder(): number {
    return this.refused.out_of_order;
  }

  stats(): StoreStats {
    let samples = 0;
    let chunks = 0;
    let sampleBytes = 0;
    for (const s of this.series()) {
      samples += s.sampleCount;
      chunks += s.chunks.length;
      sampleBytes += s.sampleBytes;
    }
    return {
      series: this.count, samples, chunks, sampleBytes, refusedSamples: { ...this.refused },
      truncatedLabelValues: this.truncated, labelBytes: this.interner.bytes,
    };
  }

  /** index.match() in Prometheus' label order, cached until the set of series changes. */
  private *sortedMatchSteps(matchers: LabelMatcher[], due: () => boolean): Generator<void, readonly MemSeries[], void> {
    let key = '';
    for (const m of matchers) key += m.name + '\x00' + m.type + '\x00' + m.value + '\x00';
    const hit = this.matchCache.get(key);
    if (hit && hit.generation === this.generation) return hit.series;
    const generation = this.generation;
    const matched = yield* this.index.matchSteps(matchers, due);
    // Series created or dropped while this yielded are seen or not (lists only grow by appending or get
    // replaced, so what was read stays sorted): the result is cached under the generation it started
    // in, hence recomputed next time.
    const series = sortByLabels(matched, (s) => s.labels);
    if (hit) {
      this.matchCacheSize -= hit.series.length;
      this.matchCache.delete(key);
    }
    // Bounded: forget the oldest entries beyond ~1M references (8 MB).
    while (this.matchCacheSize + series.length > MATCH_CACHE_REFS && this.matchCache.size > 0) {
      const [oldKey, old] = this.matchCache.entries().next().value!;
      this.matchCacheSize -= old.series.length;
      this.matchCache.delete(oldKey);
    }
    if (series.length <= MATCH_CACHE_REFS) {
      this.matchCache.set(key, { generation, series });
      this.matchCacheSize += series.length;
    }
    return series;
  }

  private *series(): IterableIterator<MemSeries> {
    for (const entry of this.byHash.values()) {
      if (Array.isArray(entry)) yield* entry;
      else yield entry;
    }
  }

  private lookup(hash: number, labels: Labels): MemSeries | undefined {
    const entry = this.byHash.get(hash);
    if (!entry) return undefined;
    if (!Array.isArray(entry)) return sameLabels(entry.labels, labels) ? entry : undefined;
    return entry.find((s) => sameLabels(s.labels, labels));
  }

  private createSeries(hash: number, labels: Labels): MemSeries {
    const canonical = Object.freeze(canonicalLabels(labels, (x) => this.interner.intern(x)));
    const s = new MemSeries(this.nextId++, canonical, hash, this.retentionMs / 2);
    const entry = this.byHash.get(hash);
    if (!entry) this.byHash.set(hash, s);
    else this.byHash.set(hash, Array.isArray(entry) ? [...entry, s] : [entry, s]);
    this.index.add(s);
    this.count++;
    this.generation++;
    this.listener?.seriesCreated(s.id, s.labels);
    return s;
  }

  private forget(s: MemSeries): void {
    const entry = this.byHash.get(s.hash);
    if (entry === s) this.byHash.delete(s.hash);
    else if (Array.isArray(entry)) {
      const rest = entry.filter((x) => x !== s);
      if (rest.length === 0) this.byHash.delete(s.hash);
      else this.byHash.set(s.hash, rest.length === 1 ? rest[0] : rest);
    }
    s.dropped = true;
    if (s.owner !== RESTORED && s.owner !== undefined) (s.owner as SeriesBudget).series--;
    this.count--;
    this.generation++;
  }

  private refuse(reason: RefusalReason, labels: Labels): void {
    this.refused[reason]++;
    this.onRefused?.(reason, labels);
    if (!this.logger) return;
    const now = this.now();
    if (now - this.lastWarned[reason] < this.logIntervalMs) {
      this.suppressed[reason]++;
      return;
    }
    const suppressed = this.suppressed[reason];
    this.lastWarned[reason] = now;
    this.suppressed[reason] = 0;
    this.logger.warn(
      { reason, series: this.count, max_series: this.maxSeries, refused_total: this.refused[reason], similar_suppressed: suppressed, labels: logSafe(labels) },
      REFUSAL_MESSAGES[reason],
    );
  }
}

function isAlertsSeries(labels: Labels): boolean {
  return labels.__name__ === 'ALERTS' || labels.__name__ === 'ALERTS_FOR_STATE';
}

/** Labels for a log line: values cut to 200 characters, so a 64 KB label does not make a 64 KB log line. */
function logSafe(labels: Labels): Labels {
  const out: Labels = {};
  let n = 0;
  for (const k in labels) {
    if (n++ >= 32) break;
    const v = labels[k];
    out[k.length > 200 ? k.slice(0, 200) + '…' : k] = v && v.length > 200 ? v.slice(0, 200) + '…' : v;
  }
  return out;
}

/** Runs a sliced generator to its end in one go (the synchronous Querier methods). */
function runSteps<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
