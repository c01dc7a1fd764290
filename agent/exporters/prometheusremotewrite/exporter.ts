/**
 * exporters.prometheusremotewrite: Prometheus remote write 1.0 of the
 * store's series. A store write tap (next to the WAL's listener) sees every
 * sample accepted from the moment the exporter starts (scraped, OTLP
 * metrics, spanmetrics/logmetrics, recording rules, ALERTS, self-metrics)
 * and every staleness marker (sent as StaleNaN, as Prometheus sends them).
 * Samples wait in a bounded buffer, are cut into WriteRequests every
 * batch.timeout (or max_samples_per_send), relabeled, given external_labels,
 * encoded, snappy-compressed and queued (disk or memory, bounded in bytes).
 * One request is in flight at a time, so every series stays in order:
 * 2xx acks; 5xx, 429 and network errors are retried with exponential
 * backoff (Retry-After honoured) until delivered; other 4xx are dropped and
 * counted (the receiver will never take them).
 */
import path from 'node:path';
import type { Counter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Component, Host } from '../../component/component';
import type { Labels } from '../../store/types';
import type { MemoryStore, StoreWriteListener } from '../../store/memory-store';
import { BUILD_INFO } from '../../telemetry/build-info';
import { Relabeler } from '../../receivers/prometheus/relabel';
import type { RemoteWriteExporterConfig } from './config';
import { DiskByteQueue, MemoryByteQueue, type ByteQueue, type QueuedRequest } from './byte-queue';
import { encodeWriteRequest, snappyCompress, STALE_NAN, type RwLabel, type RwTimeSeries } from './proto';

export interface RemoteWriteDeps {
  store: Pick<MemoryStore, 'addWriteTap' | 'persistedSeries' | 'seriesCount'>;
  /** How long shutdown may keep sending. */
  shutdownDeadlineMs: number;
}

export type DropReason = 'rejected' | 'queue_full' | 'pending_full' | 'shutdown';

/** Least time between two log lines of one kind. */
const LOG_INTERVAL_MS = 60_000;

export class PrometheusRemoteWriteExporter implements Component, StoreWriteListener {
  private readonly labelsById = new Map<number, Labels>();
  /** Final labels per series id (write relabeling and external labels applied), null when dropped. */
  private readonly outLabels = new Map<number, RwLabel[] | null>();
  private readonly relabel: Relabeler;
  private pendingIds: number[] = [];
  private pendingT: number[] = [];
  private pendingV: number[] = [];
  private queue: ByteQueue | undefined;
  private logger: Logger | undefined;
  private untap: (() => void) | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private sender: Promise<void> | undefined;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly lastLog = new Map<string, number>();
  private sentSamples: Counter | undefined;
  private failedSamples: Counter | undefined;
  private retries: Counter | undefined;
  /** Totals since start, for tests and logs. */
  readonly totals = { sent: 0, rejected: 0, queue_full: 0, pending_full: 0, shutdown: 0, retries: 0 };

  constructor(readonly id: string, private readonly config: RemoteWriteExporterConfig, private readonly deps: RemoteWriteDeps) {
    this.relabel = new Relabeler(config.write_relabel_configs);
  }

  async start(host: Host): Promise<void> {
    this.logger = host.logger;
    const q = this.config.sending_queue;
    this.queue = q.storage === 'disk'
      ? new DiskByteQueue(path.join(host.storageDir, 'queue', this.id), q.max_bytes, q.sync_interval, host.logger)
      : new MemoryByteQueue(q.max_bytes);
    const attrs = { exporter: this.id };
    this.sentSamples = host.meter.createCounter('lookout_remote_write_sent_samples', { description: 'Samples (stale markers included) delivered by remote write.' });
    this.failedSamples = host.meter.createCounter('lookout_remote_write_failed_samples', { description: 'Samples not delivered by remote write, by reason (rejected: a 4xx answer; queue_full, pending_full: the bounds; shutdown: left in a memory queue).' });
    this.retries = host.meter.createCounter('lookout_remote_write_retries', { description: 'Remote-write requests sent again after a 5xx, 429 or network error.' });
    const queue = this.queue;
    host.meter.createObservableGauge('lookout_remote_write_queue_bytes', { description: 'Bytes held in the remote-write queue (compressed requests).' })
      .addCallback((r) => r.observe(queue.bytes, attrs));
    host.meter.createObservableGauge('lookout_remote_write_pending_samples', { description: 'Samples waiting to be batched.' })
      .addCallback((r) => r.observe(this.pendingIds.length, attrs));
    for (const s of this.deps.store.persistedSeries()) this.labelsById.set(s.id, s.labels);
    this.untap = this.deps.store.addWriteTap(this);
    this.flushTimer = setInterval(() => this.flush(), this.config.batch.timeout);
    this.flushTimer.unref();
    this.sender = this.sendLoop();
  }

  async shutdown(): Promise<void> {
    if (this.stopped || !this.queue) return;
    this.untap?.();
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flush();
    const deadline = Date.now() + this.deps.shutdownDeadlineMs;
    const stopAt = setTimeout(() => this.abort.abort(new Error('shutdown deadline')), Math.max(0, deadline - Date.now()));
    this.stopped = true;
    this.wake?.();
    await this.sender;
    clearTimeout(stopAt);
    const left = this.queue.entries;
    if (left > 0) {
      if (this.queue.durable) this.logger?.info({ requests: left }, `prometheusremotewrite: ${left} requests stay in the durable queue for the next start`);
      else {
        let samples = 0;
        for (let r = this.queue.take(); r; r = this.queue.take()) samples += r.samples;
        this.drop('shutdown', samples, `${samples} samples in the memory queue are lost at shutdown`);
      }
    }
    this.queue.close();
  }

  // ---- StoreWriteListener: called synchronously on the store's append path; keep it cheap ----

  seriesCreated(id: number, labels: Labels): void {
    this.labelsById.set(id, labels);
  }

  sampleAppended(id: number, t: number, v: number): void {
    this.push(id, t, v);
  }

  markedStale(id: number, t: number): void {
    this.push(id, t, STALE_NAN);
  }

  metadataSet(): void {}

  private push(id: number, t: number, v: number): void {
    if (this.pendingIds.length >= this.config.batch.max_pending_samples) {
      this.drop('pending_full', 1, `more than batch.max_pending_samples (${this.config.batch.max_pending_samples}) samples wait to be batched: new samples are dropped`);
      return;
    }
    this.pendingIds.push(id);
    this.pendingT.push(t);
    this.pendingV.push(v);
    if (this.pendingIds.length >= this.config.batch.max_samples_per_send) setImmediate(() => this.flush());
  }

  /** Cuts the waiting samples into WriteRequests and queues them. */
  flush(): void {
    if (!this.queue || this.pendingIds.length === 0) return;
    const ids = this.pendingIds;
    const ts = this.pendingT;
    const vs = this.pendingV;
    this.pendingIds = [];
    this.pendingT = [];
    this.pendingV = [];
    const max = this.config.batch.max_samples_per_send;
    for (let from = 0; from < ids.length; from += max) {
      const to = Math.min(ids.length, from + max);
      const bySeries = new Map<number, RwTimeSeries>();
      let samples = 0;
      for (let i = from; i < to; i++) {
        const labels = this.labelsFor(ids[i]);
        if (!labels) continue;
        let ts1 = bySeries.get(ids[i]);
        if (!ts1) bySeries.set(ids[i], ts1 = { labels, samples: [] });
        ts1.samples.push({ value: vs[i], timestamp: ts[i] });
        samples++;
      }
      if (samples === 0) continue;
      const body = snappyCompress(encodeWriteRequest({ timeseries: [...bySeries.values()] }));
      if (!this.queue.offer(body, samples)) {
        this.drop('queue_full', samples, `the queue is full (sending_queue.max_bytes ${this.config.sending_queue.max_bytes}): a request of ${samples} samples is dropped`);
      }
    }
    this.forgetDroppedSeries();
    this.wake?.();
  }

  /**
   * The store tells its listeners about new series, not about series that
   * retention dropped: once the label maps hold twice the store's series,
   * they are rebuilt from the store (nothing is pending right after a flush).
   */
  private forgetDroppedSeries(): void {
    if (this.labelsById.size <= 2 * this.deps.store.seriesCount + 1000) return;
    const live = new Map<number, Labels>();
    for (const s of this.deps.store.persistedSeries()) live.set(s.id, s.labels);
    for (const id of this.labelsById.keys()) if (!live.has(id)) { this.labelsById.delete(id); this.outLabels.delete(id); }
  }

  private labelsFor(id: number): RwLabel[] | undefined {
    let out = this.outLabels.get(id);
    if (out === undefined) {
      const labels = this.labelsById.get(id);
      if (!labels) return undefined;
      const relabeled = this.relabel.empty ? { ...labels } : this.relabel.apply(labels);
      if (relabeled) {
        for (const [k, v] of Object.entries(this.config.external_labels)) if (!relabeled[k]) relabeled[k] = v;
        out = Object.keys(relabeled).filter((k) => relabeled[k] !== '').sort().map((name) => ({ name, value: relabeled[name] }));
      } else out = null;
      this.outLabels.set(id, out);
    }
    return out ?? undefined;
  }

  private async sendLoop(): Promise<void> {
    const queue = this.queue!;
    let backoff = this.config.retry_on_failure.initial_interval;
    for (;;) {
      if (this.abort.signal.aborted) return;
      const r = queue.take();
      if (!r) {
        if (this.stopped) return;
        await new Promise<void>((resolve) => { this.wake = resolve; });
        this.wake = undefined;
        continue;
      }
      const outcome = await this.send(r);
      if (outcome.kind === 'ok') {
        queue.ack(r);
        this.totals.sent += r.samples;
        this.sentSamples?.add(r.samples, { exporter: this.id });
        backoff = this.config.retry_on_failure.initial_interval;
      } else if (outcome.kind === 'rejected') {
        queue.ack(r);
        this.drop('rejected', r.samples, `the endpoint refused a request of ${r.samples} samples for good: ${outcome.message}`);
      } else {
        queue.nack(r);
        if (this.abort.signal.aborted) return;
        this.totals.retries++;
        this.retries?.add(1, { exporter: this.id });
        this.logLimited('retry', 'warn', `prometheusremotewrite: send failed, retrying: ${outcome.message}`);
        const wait = outcome.retryAfterMs ?? backoff;
        backoff = Math.min(this.config.retry_on_failure.max_interval, backoff * this.config.retry_on_failure.multiplier);
        await sleep(wait, this.abort.signal);
      }
    }
  }

  private async send(r: QueuedRequest): Promise<{ kind: 'ok' } | { kind: 'rejected'; message: string } | { kind: 'retry'; message: string; retryAfterMs?: number }> {
    try {
      const timeout = AbortSignal.timeout(this.config.timeout);
      const res = await fetch(this.config.endpoint, {
        method: 'POST',
        body: r.body,
        headers: {
          ...this.config.headers,
          'content-encoding': 'snappy',
          'content-type': 'application/x-protobuf',
          'x-prometheus-remote-write-version': '0.1.0',
          'user-agent': `Lookout/${BUILD_INFO.version}`,
        },
        signal: AbortSignal.any([timeout, this.abort.signal]),
      });
      const text = (await res.text().catch(() => '')).slice(0, 300);
      if (res.status >= 200 && res.status < 300) return { kind: 'ok' };
      const message = `HTTP ${res.status}${text ? `: ${text.trim()}` : ''}`;
      if (res.status === 429 || res.status >= 500) return { kind: 'retry', message, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
      return { kind: 'rejected', message };
    } catch (err) {
      return { kind: 'retry', message: (err as Error).message };
    }
  }

  private drop(reason: DropReason, samples: number, message: string): void {
    this.totals[reason] += samples;
    this.failedSamples?.add(samples, { exporter: this.id, reason });
    this.logLimited(reason, 'error', `prometheusremotewrite: ${message}`);
  }

  private logLimited(kind: string, level: 'warn' | 'error', msg: string): void {
    const now = Date.now();
    if (now - (this.lastLog.get(kind) ?? -Infinity) < LOG_INTERVAL_MS) return;
    this.lastLog.set(kind, now);
    this.logger?.[level]({ exporter: this.id, endpoint: this.config.endpoint }, `${msg} (logged at most once a minute)`);
  }
}

/** Retry-After as seconds or an HTTP date, in ms (capped at 5 minutes). */
export function retryAfterMs(h: string | null): number | undefined {
  if (!h) return undefined;
  const secs = /^\d+$/.test(h.trim()) ? Number(h) * 1000 : Date.parse(h) - Date.now();
  return Number.isFinite(secs) ? Math.min(300_000, Math.max(0, secs)) : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
