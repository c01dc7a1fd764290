import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStateDb, UnusableStateError, type StateDb } from '../../../agent/statedb/open-state-db';
import { openAlertingDb } from '../../../agent/alerting/db';
import { Silences } from '../../../agent/alerting/silence';
import { capturingLogger, counterValue, testHost, type TestHost } from '../../helpers/test-host';

const NOW = Date.parse('2026-12-02T09:30:00.123Z');
const STAMP = '2026-12-02T09-30-00-123Z';
const schema = (db: StateDb) => { db.exec('CREATE TABLE IF NOT EXISTS t (x TEXT)'); };

describe('statedb: opening state files that may be corrupt', () => {
  let dir: string;
  let host: TestHost;
  let lines: Record<string, unknown>[];
  const open = (name: string, init = schema) => openStateDb(path.join(dir, name), { name: 'test', init, logger: host.logger, meter: host.meter, now: () => NOW });

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-statedb-'));
    lines = [];
    host = testHost({ logger: capturingLogger(lines) });
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await host.cleanup();
  });

  it('moves garbage and its -wal/-shm aside, logs both paths, counts it, and opens a fresh database', async () => {
    const file = path.join(dir, 'state.db');
    for (const ext of ['', '-wal', '-shm']) writeFileSync(file + ext, `garbage${ext}`.repeat(100));
    const db = open('state.db');
    db.prepare('INSERT INTO t VALUES (?)').run('works');
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 1);
    db.close();
    const aside = `${file}.corrupt-${STAMP}`;
    for (const ext of ['', '-wal', '-shm']) assert.equal(readFileSync(aside + ext, 'utf8'), `garbage${ext}`.repeat(100));
    const line = lines.find((l) => l.movedTo);
    assert.deepEqual({ db: line?.db, file: line?.file, movedTo: line?.movedTo, level: line?.level }, { db: 'test', file, movedTo: aside, level: 50 });
    assert.match(String(line?.reason), /not a database/);
    assert.equal(await counterValue(host, 'lookout_state_db_corrupt_total', { db: 'test' }), 1);
  });

  it('moves aside a file whose pages are damaged (quick_check), and one the schema cannot use', () => {
    const file = path.join(dir, 'pages.db');
    const good = new Database(file);
    good.exec('CREATE TABLE t (x TEXT)');
    const ins = good.prepare('INSERT INTO t VALUES (?)');
    good.transaction(() => { for (let i = 0; i < 2000; i++) ins.run('x'.repeat(100)); })();
    good.close();
    const bytes = readFileSync(file);
    bytes.fill(0x41, 4096, 4096 * 10);
    writeFileSync(file, bytes);
    open('pages.db').close();
    assert.ok(existsSync(`${file}.corrupt-${STAMP}`));

    const refuse = () => { throw new UnusableStateError('schema version 99, this agent knows 1'); };
    let calls = 0;
    const db = open('pages.db', (d) => { if (calls++ === 0) refuse(); schema(d); });
    db.close();
    assert.ok(existsSync(`${file}.corrupt-${STAMP}-1`), readdirSync(dir).join(' '));
    assert.ok(lines.some((l) => l.reason === 'schema version 99, this agent knows 1'));
  });

  it('leaves a sound database and an empty file alone', () => {
    const db = open('ok.db');
    db.prepare('INSERT INTO t VALUES (?)').run('kept');
    db.close();
    const again = open('ok.db');
    assert.equal((again.prepare('SELECT x FROM t').get() as { x: string }).x, 'kept');
    again.close();
    writeFileSync(path.join(dir, 'empty.db'), '');
    open('empty.db').close();
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('corrupt')), []);
  });

  it('any other failure is an error naming the file, and nothing is moved', () => {
    mkdirSync(path.join(dir, 'dir.db'));
    assert.throws(() => open('dir.db'), (err: Error) => err.message.startsWith(`cannot open test state database ${path.join(dir, 'dir.db')}: `)
      && /storage\.dir/.test(err.message));
    assert.ok(existsSync(path.join(dir, 'dir.db')));
    assert.deepEqual(readdirSync(dir), ['dir.db']);
  });

  it('alerting.db: a garbage file is replaced; an unreadable silence row is skipped, the others load', () => {
    writeFileSync(path.join(dir, 'alerting.db'), 'garbage'.repeat(50));
    const db = openAlertingDb(dir, { logger: host.logger, meter: host.meter });
    assert.ok(readdirSync(dir).some((f) => f.startsWith('alerting.db.corrupt-')));
    const now = () => NOW;
    const s = new Silences(db, now);
    const id = s.upsert({ matchers: [{ name: 'a', value: 'b' }], startsAt: new Date(NOW).toISOString(), endsAt: new Date(NOW + 3600_000).toISOString(), createdBy: 'x', comment: 'y' });
    db.prepare('INSERT INTO silences (id, body, ends_at) VALUES (?, ?, ?)').run('bad', '{not json', NOW + 1);
    const skipped: string[] = [];
    const reloaded = new Silences(db, now, { onUnreadable: (bad) => skipped.push(bad) });
    assert.deepEqual(reloaded.list().map((x) => x.id), [id]);
    assert.deepEqual(skipped, ['bad']);
    db.close();
  });
});
