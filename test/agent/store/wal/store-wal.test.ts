/**
 * The store's WAL and checkpoints on a real folder: after a "crash" (the
 * StoreWal abandoned without close(), as SIGKILL leaves it, once its last
 * flush is written) a new store replays to the same query results, stale
 * markers and metadata included; checkpoints truncate the log; a torn
 * segment or an unusable checkpoint is logged, counted and survived.
 */
import assert from 'node:assert/strict';
import { capturingLogger } from '../../../helpers/test-host';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryStore } from '../../../../agent/store';
import { StoreWal } from '../../../../agent/store/wal';
import { storeWalConfigSchema } from '../../../../agent/store/wal/config';
import { listWalFiles } from '../../../../agent/store/wal/files';
import { replayInSlices } from '../../../../agent/store/wal/replay';
import { createEngine } from '../../../../agent/promql/engine';

type Line = Record<string, unknown>;
const LEVEL = { info: 30, warn: 40, error: 50 };
const T0 = 1_700_000_000_000;

describe('store WAL', () => {
  let dir: string;
  let lines: Line[];
  const open: StoreWal[] = [];
  let logger: ReturnType<typeof capturingLogger>;
  let now = T0;
  const opened = (opts: { maxSeries?: number } = {}, wal_: Record<string, unknown> = {}) => {
    const store = new MemoryStore({ retentionMs: 3600_000, now: () => now, ...opts });
    const wal = new StoreWal(store, dir, storeWalConfigSchema.parse({ flush_interval: '1m', checkpoint_interval: '1h', ...wal_ }), logger);
    const result = wal.open(now);
    open.push(wal);
    return { store, wal, result };
  };
  /** Counters c{i} increasing 10/step for 40 steps of 15 s, a gauge that goes stale at step 30, metadata. */
  const fill = (store: MemoryStore, from = 0, to = 40) => {
    store.setMetadata('c', { type: 'counter', help: 'a counter', unit: '' });
    for (let step = from; step < to; step++) {
      const t = T0 + step * 15_000;
      for (let i = 0; i < 5; i++) store.append({ __name__: 'c', i: String(i) }, t, step * 10 * (i + 1));
      if (step < 30) store.append({ __name__: 'g', job: 'x' }, t, Math.sin(step));
      else if (step === 30) store.markStale({ __name__: 'g', job: 'x' }, t);
    }
  };
  /** What rules and dashboards would see: instant and range queries at a few times. */
  const answers = (store: MemoryStore) => {
    const engine = createEngine(store, { lookbackDeltaMs: 300_000, now: () => now });
    const out: unknown[] = [];
    for (const q of ['rate(c[5m])', 'increase(c[2m])', 'g', 'c']) {
      for (const at of [T0 + 200_000, T0 + 440_000, T0 + 585_000]) out.push(JSON.stringify(engine.instantQuery(q, at)));
      out.push(JSON.stringify(engine.rangeQuery(q, T0, T0 + 600_000, 15_000)));
    }
    return out;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-store-wal-'));
    lines = [];
    logger = capturingLogger(lines);
    now = T0 + 600_000;
  });
  afterEach(async () => {
    for (const w of open.splice(0)) await w.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('after a crash, replay gives the same instant and range query results (stale markers and metadata included)', async () => {
    const a = opened();
    fill(a.store);
    const before = answers(a.store);
    await a.wal.flush(); // what flush_interval does; then "SIGKILL": no close
    const b = opened();
    assert.equal(b.store.seriesCount, 6);
    assert.deepEqual(answers(b.store), before);
    assert.deepEqual(b.store.metadata().get('c'), { type: 'counter', help: 'a counter', unit: '' });
    assert.equal(b.result.samples, 5 * 40 + 30);
  });

  it('a checkpoint replaces the segments it covers; checkpoint + later segments replay to the same results', async () => {
    const a = opened();
    fill(a.store, 0, 10);
    await a.wal.checkpoint();
    fill(a.store, 10, 20);
    await a.wal.checkpoint();
    fill(a.store, 20, 40);
    await a.wal.flush();
    const files = listWalFiles(dir);
    assert.deepEqual(files.checkpoints.map((c) => c.n), [1, 2], 'the newest checkpoint and one generation back');
    assert.deepEqual(files.segments.map((s) => s.n), [2, 3], 'segments covered by the older checkpoint deleted');
    const before = answers(a.store);
    const b = opened();
    assert.equal(b.result.checkpointSeries, 6);
    assert.deepEqual(answers(b.store), before);
    assert.equal(b.result.samples, 5 * 20 + 10, 'only what came after the checkpoint is replayed sample by sample');
    // Ids are stable across restarts: what the second run logs replays after a third start too.
    fill(b.store, 40, 41);
    const before2 = answers(b.store);
    await b.wal.flush();
    assert.deepEqual(answers(opened().store), before2);
  });

  it('samples appended while a checkpoint is written are neither lost nor doubled', async () => {
    const a = opened();
    fill(a.store, 0, 20);
    const cp = a.wal.checkpoint();
    fill(a.store, 20, 40); // lands in the new segment, and maybe in the checkpoint too
    await cp;
    await a.wal.flush();
    const before = answers(a.store);
    assert.deepEqual(answers(opened().store), before);
  });

  it('the replay in slices (the agent\'s start) restores the same and lets the event loop run in between', async () => {
    const a = opened();
    for (let i = 0; i < 3000; i++) a.store.append({ __name__: 'many', i: String(i) }, T0, i);
    await a.wal.checkpoint();
    fill(a.store);
    await a.wal.flush();
    const before = answers(a.store);
    const store = new MemoryStore({ retentionMs: 3600_000, now: () => now });
    const wal = new StoreWal(store, dir, storeWalConfigSchema.parse({ flush_interval: '1m', checkpoint_interval: '1h' }), logger);
    open.push(wal);
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    // A tiny slice: every record boundary is a chance to yield.
    const r = await replayInSlices(store, dir, logger, 0).finally(() => clearInterval(ticker));
    assert.ok(turns > 0, 'timers ran while replaying');
    assert.equal(r.checkpointSeries, 3000);
    assert.equal(store.seriesCount, 3006);
    assert.deepEqual(answers(store), before);
    const viaOpen = new MemoryStore({ retentionMs: 3600_000, now: () => now });
    const w2 = new StoreWal(viaOpen, dir, storeWalConfigSchema.parse({ flush_interval: '1m', checkpoint_interval: '1h' }), logger);
    await w2.openInSlices(() => now);
    open.push(w2);
    assert.deepEqual(answers(viaOpen), before);
  });

  it('a torn segment: the valid records are replayed, the rest set aside, logged with the file name and counted', async () => {
    const a = opened();
    fill(a.store, 0, 20);
    await a.wal.flush();
    fill(a.store, 20, 40);
    await a.wal.flush();
    const [seg] = listWalFiles(dir).segments;
    fs.truncateSync(seg.file, fs.statSync(seg.file).size - 5);
    const b = opened();
    assert.equal(b.result.corruptRecords, 1);
    assert.ok(b.result.samples >= 5 * 20 + 20 && b.result.samples < 5 * 40 + 30, `replayed ${b.result.samples}`);
    const err = lines.find((l) => l.level === LEVEL.error);
    assert.ok(err && String(err.msg).includes(seg.file) && String(err.msg).includes('.corrupt-'), JSON.stringify(lines));
  });

  it('an unusable checkpoint is logged and skipped; the previous generation (here: all segments) is replayed instead', async () => {
    const a = opened();
    fill(a.store, 0, 20);
    await a.wal.checkpoint();
    fill(a.store, 20, 40);
    await a.wal.flush();
    const [cp] = listWalFiles(dir).checkpoints;
    const buf = fs.readFileSync(cp.file);
    buf[Math.floor(buf.length / 2)] ^= 0xff;
    fs.writeFileSync(cp.file, buf);
    const before = answers(a.store);
    const b = opened();
    assert.equal(b.result.corruptRecords, 1);
    assert.equal(b.result.checkpointSeries, 0);
    assert.deepEqual(answers(b.store), before, 'nothing lost');
    assert.ok(lines.some((l) => l.level === LEVEL.error && String(l.msg).includes(cp.file)));
  });

  it('replay respects max_series and counts what it leaves out', async () => {
    const a = opened();
    fill(a.store);
    await a.wal.flush();
    const b = opened({ maxSeries: 3 });
    assert.equal(b.store.seriesCount, 3);
    assert.ok(b.result.skipped > 0);
  });

  it('close() writes what is buffered (SIGTERM loses nothing)', async () => {
    const a = opened();
    fill(a.store);
    const before = answers(a.store);
    await a.wal.close();
    assert.deepEqual(answers(opened().store), before);
  });

  it('retention applies to what is replayed', async () => {
    const a = opened();
    fill(a.store);
    await a.wal.flush();
    now = T0 + 3 * 3600_000;
    const b = opened();
    assert.equal(b.store.seriesCount, 0);
  });

  it('max_buffer_bytes: beyond it samples are left out of the log (counted), the store keeps them', async () => {
    const a = opened({}, { max_buffer_bytes: 65536 });
    for (let k = 0; k < 5000; k++) a.store.append({ __name__: 'c' }, T0 + k * 100, k);
    const stats = a.wal.stats();
    assert.ok(stats.droppedRecords > 0, `dropped ${stats.droppedRecords}`);
    assert.ok(stats.bufferedBytes <= 65536 + 64);
    assert.equal(a.store.stats().samples, 5000);
    await a.wal.flush();
    assert.equal(lines.filter((l) => /left out of the log/.test(String(l.msg))).length, 1, 'logged');
  });

  it('a failing write (disk full) is counted and logged once, and the store keeps working', async () => {
    const a = opened();
    const orig = fs.write;
    (fs as { write: unknown }).write = (...args: unknown[]) => {
      const cb = args[args.length - 1] as (err: Error) => void;
      cb(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    };
    try {
      fill(a.store, 0, 2);
      await a.wal.flush();
      fill(a.store, 2, 4);
      await a.wal.flush();
    } finally {
      (fs as { write: unknown }).write = orig;
    }
    assert.equal(a.wal.stats().writeErrors, 2);
    assert.equal(lines.filter((l) => /ENOSPC/.test(String(l.msg))).length, 1);
    assert.equal(a.store.seriesCount, 6);
  });

  it('series restored under other ids (ids must only increase) are named again in the new log', async () => {
    const a = opened();
    fill(a.store, 0, 20);
    await a.wal.flush();
    // A store that already holds a series before replay: every restored one gets a fresh, higher id.
    const store = new MemoryStore({ retentionMs: 3600_000, now: () => now });
    store.append({ __name__: 'other' }, T0, 1);
    const wal = new StoreWal(store, dir, storeWalConfigSchema.parse({ flush_interval: '1m' }), logger);
    open.push(wal);
    const r = wal.open(now);
    assert.equal(r.renamed.length, 6);
    fill(store, 20, 40);
    await wal.flush();
    const before = answers(store);
    assert.deepEqual(answers(opened().store), before, 'samples logged under the new ids replay to the right series');
  });
});
