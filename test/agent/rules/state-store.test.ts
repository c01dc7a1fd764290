import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Alert } from '../../../agent/rules/alert';
import { AlertStateStore } from '../../../agent/rules/state-store';

describe('alert state store (rules.db)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'lookout-state-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const firing: Alert = {
    labels: { alertname: 'A', instance: 'x' }, annotations: { summary: 's' }, value: 1.5, state: 'firing',
    activeAt: 1000, firedAt: 2000, lastSentAt: 3000, validUntil: 9000, keepFiringSince: 2500,
  };
  const resolved: Alert = { labels: { alertname: 'A', instance: 'y' }, annotations: {}, value: NaN, state: 'inactive', activeAt: 1, firedAt: 2, resolvedAt: 3 };

  it('round-trips every field through a reopen', () => {
    let s = new AlertStateStore(path.join(dir, 'rules.db'));
    s.save('f;g', 5000, [{ name: 'A', alerts: [firing, resolved] }, { name: 'B', alerts: [] }]);
    s.close();
    s = new AlertStateStore(path.join(dir, 'rules.db'));
    const got = s.load('f;g')!;
    assert.equal(got.downAt, 5000);
    const list = got.alerts.get('A')!;
    assert.deepEqual(list.find((a) => a.labels.instance === 'x'), { ...firing, resolvedAt: undefined });
    const r = list.find((a) => a.labels.instance === 'y')!;
    assert.ok(Number.isNaN(r.value));
    assert.equal(r.resolvedAt, 3);
    assert.equal(s.load('other'), undefined);
    s.close();
  });

  it('replaces a group\'s state on each save and prunes removed groups', () => {
    const s = new AlertStateStore(path.join(dir, 'rules.db'));
    s.save('f;g', 1, [{ name: 'A', alerts: [firing] }]);
    s.save('f;g', 2, [{ name: 'A', alerts: [] }]);
    assert.equal(s.load('f;g')!.alerts.size, 0);
    s.save('f;h', 3, [{ name: 'A', alerts: [firing] }]);
    s.prune(new Set(['f;g']));
    assert.equal(s.load('f;h'), undefined);
    assert.ok(s.load('f;g'));
    s.close();
    s.close();
  });

  it('moves a database from a newer schema aside and starts afresh, rather than stop the agent', () => {
    const file = path.join(dir, 'rules.db');
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    const s = new AlertStateStore(file, { now: () => Date.parse('2026-12-02T09:30:00Z') });
    assert.equal(s.load('f;g'), undefined);
    s.close();
    assert.ok(existsSync(`${file}.corrupt-2026-12-02T09-30-00-000Z`));
    const kept = new Database(`${file}.corrupt-2026-12-02T09-30-00-000Z`);
    assert.equal(kept.pragma('user_version', { simple: true }), 99, 'the set-aside file is the original');
    kept.close();
  });
});
