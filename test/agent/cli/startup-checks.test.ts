import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unroutedAlertsWarning } from '../../../agent/cli/startup-warnings';
import { storageDirProblem } from '../../../agent/cli/storage-dir';
import { parseConfigText } from '../../../agent/config/load';

describe('lookout run: start-up checks', () => {
  it('warns when rules exist and nothing routes their alerts; quiet otherwise', () => {
    const cfg = (y: string) => parseConfigText(y, 'test', {});
    assert.match(unroutedAlertsWarning(cfg('{}')) ?? '', /nothing routes their alerts.*alerting\.route/);
    assert.equal(unroutedAlertsWarning(cfg('rules: {default_pack: {enabled: false}}')), undefined, 'no rules');
    assert.equal(unroutedAlertsWarning(cfg('alerting: {alertmanagers: [{url: "http://am:9093"}]}')), undefined);
    assert.equal(unroutedAlertsWarning(cfg('alerting: {route: {receiver: x}, receivers: [{name: x, webhook_configs: [{url: "http://h/"}]}]}')), undefined);
  });

  it('storage.dir: fine when writable (created if missing); one line naming the directory and the fix otherwise', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'lookout-storage-'));
    try {
      assert.equal(storageDirProblem(path.join(tmp, 'a/b')), undefined);
      writeFileSync(path.join(tmp, 'file'), '');
      const problem = storageDirProblem(path.join(tmp, 'file/data'));
      assert.ok(problem && !problem.includes('\n'));
      assert.match(problem, new RegExp(`^storage\\.dir ${path.join(tmp, 'file/data').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be created \\(ENOTDIR\\)`));
      assert.match(problem, /set storage\.dir to a writable directory/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
