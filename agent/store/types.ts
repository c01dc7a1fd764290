/**
 * The contract between the time-series store and its readers (the PromQL
 * engine, the Prometheus HTTP API, /metrics) and writers (OTLP metrics
 * conversion, the spanmetrics/logmetrics connectors, recording rules).
 *
 * Times are milliseconds since the epoch (Prometheus' resolution). Labels
 * include the metric name under "__name__".
 */

export type Labels = Record<string, string>;

export type MatchType = '=' | '!=' | '=~' | '!~';
export interface LabelMatcher { name: string; type: MatchType; value: string }

/** One series' samples within a queried window, oldest first. */
export interface SeriesData {
  labels: Labels;
  /** Sample timestamps (ms), ascending. */
  t: ArrayLike<number>;
  /** Sample values, parallel to t. */
  v: ArrayLike<number>;
  /**
   * Staleness markers (ms), ascending: from such a time on the series has no
   * value until its next sample, exactly as Prometheus' StaleNaN samples.
   * Kept apart from the samples so no NaN payload has to survive arithmetic.
   */
  staleT: ArrayLike<number>;
}

/**
 * Memory a Querier may place decoded samples in. A caller that passes one to
 * select() promises not to reuse it while the returned SeriesData are in
 * use (the PromQL engine reuses one across queries, sparing allocations).
 */
export interface SampleScratch {
  /** A view of n fresh, writable slots. */
  reserve(n: number): Float64Array;
}

export interface Querier {
  /**
   * True when select() returns series in Prometheus' label order (labels
   * compared pairwise, name then value), so readers need not sort again.
   */
  readonly sortedByLabels?: boolean;
  /** Series matching every matcher, with samples and stale markers in [mint, maxt]. */
  select(matchers: LabelMatcher[], mint: number, maxt: number, scratch?: SampleScratch): SeriesData[];
  /**
   * select() in slices: the generator yields whenever due() says the
   * caller's time slice is used up (due() may also throw to stop it), so a
   * query can give the event loop a turn in the middle of a large selection.
   */
  selectSteps?(matchers: LabelMatcher[], mint: number, maxt: number, scratch: SampleScratch | undefined, due: () => boolean): Generator<void, SeriesData[], void>;
  /** Label names present on series matching the matchers (all series when none). */
  labelNames(matchers?: LabelMatcher[]): string[];
  /** Values of one label on series matching the matchers, sorted. */
  labelValues(name: string, matchers?: LabelMatcher[]): string[];
  /** labelNames() in slices, as selectSteps (the HTTP API's /api/v1/labels with match[]). */
  labelNamesSteps?(matchers: LabelMatcher[], due: () => boolean): Generator<void, string[], void>;
  /** labelValues() in slices, as selectSteps (/api/v1/label/<name>/values with match[]). */
  labelValuesSteps?(name: string, matchers: LabelMatcher[], due: () => boolean): Generator<void, string[], void>;
}

export interface MetricMetadata { type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown'; help: string; unit: string }

/**
 * A series the store holds, from Appender.seriesRef(): a handle that skips
 * hashing and looking up the labels on every append, and the store's own
 * (interned) copy of the labels, which a writer may keep instead of its own.
 */
export interface SeriesRef { readonly labels: Labels }

export interface Appender {
  /** Adds a sample. Returns false when refused (cardinality limit, out of order). */
  append(labels: Labels, t: number, v: number): boolean;
  /**
   * Optional, for writers that write the same series again and again (the
   * connectors, OTLP conversion): the series these labels name, when it
   * exists, as a reference for appendRef().
   */
  seriesRef?(labels: Labels): SeriesRef | undefined;
  /**
   * append() through a reference from this appender's seriesRef(), with the
   * same outcome as append(ref.labels, t, v): a series dropped since (retention) is
   * looked up, or created, again.
   */
  appendRef?(ref: SeriesRef, t: number, v: number): boolean;
  /** Marks the series stale at t (the target stopped reporting it). */
  markStale(labels: Labels, t: number): void;
  /** Records type/help/unit for a metric family name (for /api/v1/metadata and /metrics). */
  setMetadata(metricName: string, meta: MetricMetadata): void;
}
