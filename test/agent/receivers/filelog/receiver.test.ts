/**
 * The filelog receiver against real files in a tmp dir, polled by hand:
 * start_at, rotation by rename and by copy-truncate, resuming from the
 * checkpoint, a refusing pipeline, exclude, multiline flush, limits.
 */
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PermanentError, RetryableError } from '../../../../agent/component/component';
import { FilelogReceiver } from '../../../../agent/receivers/filelog';
import { filelogConfigSchema } from '../../../../agent/receivers/filelog/config';
import { RecordingConsumer, counterValue, testHost, type TestHost } from '../../../helpers/test-host';

describe('filelog receiver', () => {
  let dir: string;
  let host: TestHost;
  let sink: RecordingConsumer;
  const receivers: FilelogReceiver[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-filelog-'));
    host = testHost();
    sink = new RecordingConsumer();
  });
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.shutdown();
    await host.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(cfg: Record<string, unknown>, h: TestHost = host): Promise<FilelogReceiver> {
    const config = filelogConfigSchema.parse({ poll_interval: '1h', ...cfg });
    const r = new FilelogReceiver('filelog', config, sink, { baseDir: dir });
    receivers.push(r);
    await r.start(h);
    return r;
  }
  const bodies = () => sink.of('logs').flatMap((d) => d.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => r.body!.stringValue!))));
  const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}`);
  const write = (file: string, from: number, to: number) => appendFileSync(path.join(dir, file), lines(from, to).map((l) => `${l}\n`).join(''));

  it('start_at: end skips what the file held at the first poll; beginning reads it; files found later are read whole', async () => {
    write('a.log', 0, 3);
    const r = await start({ include: ['*.log'] });
    await r.pollOnce();
    assert.deepEqual(bodies(), []);
    write('a.log', 3, 5);
    write('b.log', 100, 102);
    await r.pollOnce();
    assert.deepEqual(bodies(), ['line 3', 'line 4', 'line 100', 'line 101']);

    sink.clear();
    const r2dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-filelog-host-'));
    const h2 = testHost({ storageDir: r2dir });
    const r2 = await start({ include: ['a.log'], start_at: 'beginning' }, h2);
    await r2.pollOnce();
    assert.deepEqual(bodies(), lines(0, 5));
    await r2.shutdown();
    await h2.cleanup();
  });

  it('rotation by rename: the rest of the old file, then the new file, each line once and in order', async () => {
    const r = await start({ include: ['app.log*'], start_at: 'beginning' });
    write('app.log', 0, 10);
    await r.pollOnce();
    write('app.log', 10, 15);
    renameSync(path.join(dir, 'app.log'), path.join(dir, 'app.log.1'));
    write('app.log', 15, 20);
    await r.pollOnce();
    write('app.log', 20, 22);
    await r.pollOnce();
    assert.deepEqual(bodies(), lines(0, 22));
  });

  it('rotation by rename with a glob that matches only the live file: the open handle finishes the old one', async () => {
    const r = await start({ include: ['app.log'], start_at: 'beginning' });
    write('app.log', 0, 3);
    await r.pollOnce();
    write('app.log', 3, 6);
    renameSync(path.join(dir, 'app.log'), path.join(dir, 'old.txt'));
    write('app.log', 6, 8);
    await r.pollOnce();
    assert.deepEqual(bodies(), lines(0, 8));
  });

  it('rotation by copy-truncate: the copy continues where the original stopped; the truncated file restarts', async () => {
    const r = await start({ include: ['app.log*'], start_at: 'beginning' });
    write('app.log', 0, 10);
    await r.pollOnce();
    write('app.log', 10, 15);
    copyFileSync(path.join(dir, 'app.log'), path.join(dir, 'app.log.1'));
    truncateSync(path.join(dir, 'app.log'), 0);
    write('app.log', 15, 18);
    await r.pollOnce();
    write('app.log', 18, 20);
    await r.pollOnce();
    assert.deepEqual(bodies(), lines(0, 20));
  });

  it('resumes from the checkpoint after a restart: nothing lost, nothing repeated', async () => {
    const r = await start({ include: ['app.log'], start_at: 'end' });
    write('app.log', 0, 2);
    await r.pollOnce();
    write('app.log', 2, 6);
    await r.pollOnce();
    assert.deepEqual(bodies(), lines(2, 6));
    await r.shutdown();
    write('app.log', 6, 9);
    sink.clear();
    const again = await start({ include: ['app.log'], start_at: 'end' });
    await again.pollOnce();
    assert.deepEqual(bodies(), lines(6, 9));
  });

  it('a refused batch is re-read at the next poll (offset committed only after acceptance)', async () => {
    const r = await start({ include: ['app.log'], start_at: 'beginning', max_batch: 2 });
    write('app.log', 0, 5);
    let refuse = 1;
    sink.behaviour = () => { if (refuse-- > 0) throw new RetryableError('queue full'); };
    await r.pollOnce();
    assert.deepEqual(bodies(), []);
    await r.pollOnce();
    assert.deepEqual(bodies(), lines(0, 5));
    assert.equal(sink.received.length, 3, 'batches of at most max_batch records');
    assert.equal(await counterValue(host, 'lookout_filelog_consume_refusals', {}), 1);
    assert.equal(await counterValue(host, 'lookout_filelog_records', {}), 5);
  });

  it('exclude, file attributes, resource, and an unterminated last line after force_flush_period', async () => {
    let now = 1_000_000;
    const config = filelogConfigSchema.parse({
      include: ['*.log'], exclude: ['skip.log'], start_at: 'beginning', poll_interval: '1h', force_flush_period: '500ms',
      include_file_path: true, attributes: { source: 'file' }, resource: { 'service.name': 'py-app' },
    });
    const r = new FilelogReceiver('filelog', config, sink, { baseDir: dir, now: () => now });
    receivers.push(r);
    await r.start(host);
    writeFileSync(path.join(dir, 'skip.log'), 'no\n');
    writeFileSync(path.join(dir, 'app.log'), 'one\ntwo');
    await r.pollOnce();
    assert.deepEqual(bodies(), ['one']);
    now += 100;
    await r.pollOnce();
    assert.deepEqual(bodies(), ['one']);
    now += 600;
    await r.pollOnce();
    assert.deepEqual(bodies(), ['one', 'two']);
    const rl = sink.of('logs')[0].resourceLogs[0];
    assert.deepEqual(rl.resource!.attributes, [{ key: 'service.name', value: { stringValue: 'py-app' } }]);
    assert.deepEqual(rl.scopeLogs[0].logRecords[0].attributes!.map((a) => [a.key, a.value!.stringValue]), [
      ['log.file.name', 'app.log'], ['log.file.path', path.join(dir, 'app.log')], ['source', 'file'],
    ]);
  });

  it('multiline: a stack trace stays one record; the last one is flushed once the file stops growing', async () => {
    let now = 1_000_000;
    const config = filelogConfigSchema.parse({
      include: ['app.log'], start_at: 'beginning', poll_interval: '1h', multiline: { line_start_pattern: '^\\d{4}-' },
    });
    const r = new FilelogReceiver('filelog', config, sink, { baseDir: dir, now: () => now });
    receivers.push(r);
    await r.start(host);
    writeFileSync(path.join(dir, 'app.log'), '2026-12-02 ERROR boom\n  at f (a.js:1)\n  at g (b.js:2)\n2026-12-02 INFO next\n');
    await r.pollOnce();
    assert.deepEqual(bodies(), ['2026-12-02 ERROR boom\n  at f (a.js:1)\n  at g (b.js:2)']);
    now += 1000;
    await r.pollOnce();
    await r.pollOnce();
    assert.deepEqual(bodies(), ['2026-12-02 ERROR boom\n  at f (a.js:1)\n  at g (b.js:2)', '2026-12-02 INFO next']);
  });

  it('max_concurrent_files: files beyond it wait their turn (counted); on_error drop is counted', async () => {
    for (const f of ['a.log', 'b.log', 'c.log']) writeFileSync(path.join(dir, f), `${f} not json\n{"ok":1}\n`);
    const config = filelogConfigSchema.parse({
      include: ['*.log'], start_at: 'beginning', poll_interval: '1h', max_concurrent_files: 2, operators: [{ type: 'json_parser', on_error: 'drop' }],
    });
    const r = new FilelogReceiver('filelog', config, sink, { baseDir: dir });
    receivers.push(r);
    await r.start(host);
    await r.pollOnce();
    assert.deepEqual(bodies(), ['{"ok":1}', '{"ok":1}'], 'two files per poll');
    await r.pollOnce();
    assert.deepEqual(bodies(), ['{"ok":1}', '{"ok":1}', '{"ok":1}'], 'the window moves on: the third file gets its turn');
    // One file left out per poll.
    assert.ok(await counterValue(host, 'lookout_filelog_files_skipped', {}) >= 2);
    assert.equal(await counterValue(host, 'lookout_filelog_records_dropped', { reason: 'on_error' }), 3);
    assert.equal(await counterValue(host, 'lookout_filelog_parse_errors', { stage: 'parse' }), 3);
  });

  it('a permanently refused batch is dropped and counted, never retried', async () => {
    const r = await start({ include: ['app.log'], start_at: 'beginning' });
    sink.behaviour = () => { throw new PermanentError('never'); };
    write('app.log', 0, 2);
    await r.pollOnce();
    assert.equal(await counterValue(host, 'lookout_filelog_records_dropped', { reason: 'permanent' }), 2);
    sink.behaviour = undefined;
    write('app.log', 2, 3);
    await r.pollOnce();
    assert.deepEqual(bodies(), ['line 2']);
  });

  it('max_log_size splits an overlong line and counts it', async () => {
    const r = await start({ include: ['app.log'], start_at: 'beginning', max_log_size: 64 });
    writeFileSync(path.join(dir, 'app.log'), `${'y'.repeat(100)}\nok\n`);
    await r.pollOnce();
    assert.deepEqual(bodies().map((b) => b.length), [64, 36, 2]);
    assert.equal(await counterValue(host, 'lookout_filelog_records_truncated', {}), 1);
  });
});
