/**
 * MetricsToStore.consume() translates and stores a request in slices
 * (TRANSLATE_SLICE_MS), giving the event loop turns in between (issue 8:
 * /healthz waited for a whole request's translation), without changing
 * what reaches the store: requests one at a time in arrival order, and
 * every point stored before consume() resolves (the receiver answers 200
 * only then) and before shutdown() resolves.
 */
import assert from 'node:assert/strict';
import Long from 'long';
import { MetricsToStore } from '../../../../agent/translate/prometheus/metrics-to-store';
import type { ExportMetricsServiceRequest } from '../../../../agent/otlp/model';
import { MemoryStore } from '../../../../agent/store';

/** One gauge with `points` series (label i), all at timeMs. */
function gauges(points: number, timeMs: number, value = 1): ExportMetricsServiceRequest {
  // Long times, as the decoders produce them.
  return {
    resourceMetrics: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'big' } }] },
      scopeMetrics: [{
        scope: { name: 'test' },
        metrics: [{
          name: 'big_gauge',
          gauge: {
            dataPoints: Array.from({ length: points }, (_, i) => ({
              asDouble: value, timeUnixNano: Long.fromString(`${timeMs}000000`), attributes: [{ key: 'i', value: { stringValue: String(i) } }],
            })),
          },
        }],
      }],
    }],
  };
}

/** Records the event-loop iterations (setImmediate) that ran until stop(), and the longest gap between two. */
function loopProbe(): { stop(): { turns: number; maxGapMs: number } } {
  let turns = 0;
  let maxGapMs = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    if (!running) return;
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return { stop: () => { running = false; return { turns, maxGapMs }; } };
}

function valuesOf(store: MemoryStore, t0: number, t1: number): number[] {
  return store.select([{ name: '__name__', type: '=', value: 'big_gauge' }], t0, t1).map((s) => s.v.length);
}

describe('translate/prometheus MetricsToStore in slices', function () {
  this.timeout(60_000);
  const now = Date.now();

  it('gives the event loop turns while a 50 000-point request is stored, and resolves with every point in the store', async () => {
    const store = new MemoryStore({ maxSeries: 200_000 });
    const conv = new MetricsToStore(store);
    // In one piece, this request holds the loop for hundreds of ms (tens of µs per point, more on a slow machine).
    const probe = loopProbe();
    const started = performance.now();
    await conv.consume('metrics', gauges(50_000, now));
    const took = performance.now() - started;
    const { turns, maxGapMs } = probe.stop();
    assert.equal(store.seriesCount, 50_000, 'every point of the request is in the store when consume() resolves');
    assert.ok(turns >= 5, `the event loop had ${turns} turns during ${took.toFixed(0)} ms of translation`);
    // Slices are 4 ms, but a gap also holds GC pauses (scavenges of new series take 10-30 ms) and, on a loaded
    // CI machine, time without a CPU: bounded by a share of the whole (in one piece the gap was all of it).
    assert.ok(maxGapMs < took / 4, `longest event-loop gap ${maxGapMs.toFixed(1)} ms (whole request ${took.toFixed(0)} ms)`);
  });

  it('stores concurrent requests one at a time in arrival order: no point of the same series is refused as out of order', async () => {
    const store = new MemoryStore({ maxSeries: 200_000 });
    const conv = new MetricsToStore(store);
    const order: number[] = [];
    // Both large enough to take several slices: interleaved slices would write t1 after t2 for part of the series.
    const first = conv.consume('metrics', gauges(20_000, now - 2000, 1)).then(() => order.push(1));
    const second = conv.consume('metrics', gauges(20_000, now - 1000, 2)).then(() => order.push(2));
    await Promise.all([first, second]);
    assert.deepEqual(order, [1, 2]);
    assert.equal(store.refusedOutOfOrder, 0);
    const counts = valuesOf(store, now - 3000, now);
    assert.equal(counts.length, 20_000);
    assert.ok(counts.every((n) => n === 2), 'both points of every series are stored');
  });

  it('shutdown() resolves only after the request being translated is in the store', async () => {
    const store = new MemoryStore({ maxSeries: 200_000 });
    const conv = new MetricsToStore(store);
    const pending = conv.consume('metrics', gauges(30_000, now));
    await conv.shutdown();
    assert.equal(store.seriesCount, 30_000);
    await pending;
  });

  it('translate() (the synchronous form) stores the same as consume()', async () => {
    const a = new MemoryStore({ maxSeries: 10_000 });
    const b = new MemoryStore({ maxSeries: 10_000 });
    new MetricsToStore(a).translate(gauges(3000, now, 7));
    await new MetricsToStore(b).consume('metrics', gauges(3000, now, 7));
    const flat = (s: MemoryStore) => s.select([{ name: '__name__', type: '=', value: 'big_gauge' }], now - 1, now)
      .map((x) => `${JSON.stringify(x.labels)} ${Array.from(x.t).join(',')} ${Array.from(x.v).join(',')}`);
    assert.deepEqual(flat(b), flat(a));
  });
});
