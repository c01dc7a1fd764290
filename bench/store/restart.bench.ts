/**
 * The store's persistence at 100 000 series (bench/store/synthetic.ts), one
 * hour of history at 60 s:
 * - ingest with the WAL on against off (the listener's cost on append);
 * - a checkpoint: duration and size;
 * - replay after a restart: checkpoint + 5 minutes of WAL, and WAL only;
 * - `lookout run` from spawn to /readyz 200 on that storage.dir, against an
 *   empty one: the restart time to ready.
 *
 * Not part of `npm test`: `npm run bench`, or npx tsx bench/store/restart.bench.ts
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { MemoryStore } from '../../agent/store/memory-store';
import { StoreWal } from '../../agent/store/wal';
import { storeWalConfigSchema } from '../../agent/store/wal/config';
import { walBytes } from '../../agent/store/wal/files';
import { fill, seriesLabels } from './synthetic';
import { freePort } from '../../test/helpers/agent-process';
import { repoRoot } from '../../test/helpers/repo';

const quiet = { info() {}, warn() {}, error() {} };
const SAMPLES = 60;
const INTERVAL = 60_000;
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;

function openStore(dir: string, now: number): { store: MemoryStore; wal: StoreWal; replayMs: number } {
  const store = new MemoryStore({ retentionMs: 3600_000 + 10 * INTERVAL, maxSeries: 200_000, now: () => now });
  const wal = new StoreWal(store, dir, storeWalConfigSchema.parse({ checkpoint_interval: '1h', flush_interval: '200ms' }), quiet);
  const r = wal.open(now);
  return { store, wal, replayMs: r.durationMs };
}

/** Fills in steps, flushing between them as the timer would (keeps the buffer bounded). */
async function fillFlushing(store: MemoryStore, wal: StoreWal | undefined, labels: ReturnType<typeof seriesLabels>, from: number, samples: number): Promise<number> {
  let seconds = 0;
  for (let k = 0; k < samples; k++) {
    const t0 = process.hrtime.bigint();
    fill(store, labels, 1, INTERVAL, from + k * INTERVAL);
    seconds += Number(process.hrtime.bigint() - t0) / 1e9;
    await wal?.flush();
  }
  return (samples * labels.length) / seconds;
}

/** Spawn to /readyz 200, and the slowest /readyz answer meanwhile (how long the restore stalls the admin port). */
async function timeToReady(storageDir: string): Promise<{ ms: number; slowestAnswerMs: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-restart-bench-'));
  const admin = await freePort();
  const config = path.join(dir, 'lookout.yaml');
  fs.writeFileSync(config, stringify({
    receivers: { otlp: { http: { endpoint: `127.0.0.1:${await freePort()}` } } },
    admin: { endpoint: `127.0.0.1:${admin}` },
    storage: { dir: storageDir },
    store: { max_series: 200_000, retention: '1h10m' },
    rules: { default_pack: { enabled: false } },
    log: { level: 'warn' },
  }));
  const started = Date.now();
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(repoRoot, 'agent/cli/main.ts'), 'run', '--config', config], { cwd: repoRoot, stdio: 'ignore' });
  let slowestAnswerMs = 0;
  try {
    for (;;) {
      const asked = performance.now();
      const res = await fetch(`http://127.0.0.1:${admin}/readyz`).catch(() => undefined);
      if (res) slowestAnswerMs = Math.max(slowestAnswerMs, performance.now() - asked);
      if (res?.status === 200) return { ms: Date.now() - started, slowestAnswerMs };
      if (Date.now() - started > 300_000) throw new Error('not ready after 5 min');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const labels = seriesLabels();
  const end = Math.floor(Date.now() / INTERVAL) * INTERVAL;
  const start = end - (SAMPLES - 1) * INTERVAL;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-store-restart-'));
  try {
    // Ingest cost: the same 10 steps without and with the WAL.
    const plain = new MemoryStore({ retentionMs: 7200_000, maxSeries: 200_000 });
    const withoutWal = await fillFlushing(plain, undefined, labels, start, 10);
    const storage = path.join(root, 'data');
    const walDir = path.join(storage, 'store-wal');
    const a = openStore(walDir, end);
    const withWal = await fillFlushing(a.store, a.wal, labels, start, 10);
    console.log(`ingest, WAL off : ${withoutWal.toFixed(0).padStart(8)} samples/s`);
    console.log(`ingest, WAL on  : ${withWal.toFixed(0).padStart(8)} samples/s (${((withWal / withoutWal) * 100).toFixed(0)} %)`);
    await fillFlushing(a.store, a.wal, labels, start + 10 * INTERVAL, SAMPLES - 15);
    console.log(`WAL only (${labels.length} series, ${SAMPLES - 5} samples each): ${mb(walBytes(walDir))}`);

    const walOnly = openStore(walDir, end);
    console.log(`replay, WAL only             : ${(walOnly.replayMs / 1000).toFixed(1)} s (${walOnly.store.seriesCount} series)`);
    await walOnly.wal.close();

    const cpStarted = performance.now();
    await a.wal.checkpoint();
    console.log(`checkpoint                   : ${((performance.now() - cpStarted) / 1000).toFixed(1)} s, files now ${mb(walBytes(walDir))}`);
    await fillFlushing(a.store, a.wal, labels, start + (SAMPLES - 5) * INTERVAL, 5);
    await a.wal.close();

    const b = openStore(walDir, end);
    console.log(`replay, checkpoint + 5 min   : ${(b.replayMs / 1000).toFixed(1)} s (${b.store.seriesCount} series, heap ${mb(process.memoryUsage().heapUsed)})`);
    await b.wal.close();

    const empty = await timeToReady(path.join(root, 'empty'));
    const full = await timeToReady(storage);
    console.log(`lookout run -> /readyz, empty storage.dir   : ${(empty.ms / 1000).toFixed(1)} s (slowest /readyz answer while starting ${empty.slowestAnswerMs.toFixed(0)} ms)`);
    console.log(`lookout run -> /readyz, 100k series restored: ${(full.ms / 1000).toFixed(1)} s (slowest /readyz answer while starting ${full.slowestAnswerMs.toFixed(0)} ms)`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().catch((err) => { console.error(err); process.exitCode = 1; });
}
