import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAlertingDb } from '../../../agent/alerting/db';
import { needsUpdate, NotificationLog } from '../../../agent/alerting/nflog';

describe('notification log', () => {
  const s = (...xs: string[]) => new Set(xs);
  const H = 3600_000;

  it("needsUpdate follows Alertmanager's dedup rules", () => {
    assert.equal(needsUpdate(undefined, s('a'), s(), true, 4 * H, 0), true, 'first firing notification');
    assert.equal(needsUpdate(undefined, s(), s('a'), true, 4 * H, 0), false, 'never notify only-resolved groups first');
    const entry = { firing: s('a'), resolved: s(), timestamp: 0 };
    assert.equal(needsUpdate(entry, s('a', 'b'), s(), true, 4 * H, 1), true, 'new firing alert');
    assert.equal(needsUpdate(entry, s('a'), s(), true, 4 * H, H), false, 'unchanged within repeat_interval');
    assert.equal(needsUpdate(entry, s('a'), s(), true, 4 * H, 4 * H), true, 'repeat_interval passed');
    assert.equal(needsUpdate(entry, s(), s('a'), false, 4 * H, 1), true, 'all resolved: notify even without send_resolved (clears the log)');
    assert.equal(needsUpdate({ firing: s('a', 'b'), resolved: s(), timestamp: 0 }, s('a'), s('b'), true, 4 * H, 1), true, 'newly resolved with send_resolved');
    assert.equal(needsUpdate({ firing: s('a', 'b'), resolved: s(), timestamp: 0 }, s('a'), s('b'), false, 4 * H, 1), false, 'newly resolved without send_resolved');
    assert.equal(needsUpdate({ firing: s(), resolved: s('a'), timestamp: 0 }, s(), s('a'), true, 4 * H, 1), false);
  });

  it('persists entries in alerting.db and garbage-collects expired ones', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-nflog-'));
    try {
      const key = { groupKey: '{}:{a="1"}', receiver: 'r', integration: 'webhook[0]' };
      let db = openAlertingDb(dir);
      new NotificationLog(db, 1000).log(key, ['f2', 'f1'], ['r1'], 500);
      db.close();
      db = openAlertingDb(dir);
      const log = new NotificationLog(db, 1000);
      assert.deepEqual(log.get(key), { firing: s('f1', 'f2'), resolved: s('r1'), timestamp: 500 });
      assert.equal(log.gc(1400), 0);
      assert.equal(log.gc(1600), 1);
      assert.equal(log.get(key), undefined);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
