/**
 * Routing, differentially: random alertmanager.yml trees (continue,
 * group_by, matchers of every kind, legacy match/match_re) and random label
 * sets, routed by `amtool config routes test` (Alertmanager 0.25's own
 * routing code) and by Lookout's Route on the same file. Every label set
 * must reach the same receivers in the same order; the agreement rate is
 * printed (and stated in agent/alerting/README.md).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Route } from '../../../agent/alerting/route';
import { alertingConfig } from '../../agent/alerting/harness';
import { requireAlertmanager } from './alertmanager';
import { configArb, configYaml, labelSetArb } from './generate';
import { SCALE, SEED } from './runs';

describe('routing agrees with amtool config routes test (Alertmanager 0.25)', function () {
  this.timeout(120_000 * SCALE);
  let amtool: string;
  let dir: string;

  before(function () {
    amtool = requireAlertmanager(this).amtool;
    dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-amdiff-routes-'));
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('routes random label sets through random trees to the same receivers', () => {
    const configs = fc.sample(configArb, { seed: SEED, numRuns: 40 * SCALE });
    const labelSets = fc.sample(fc.array(labelSetArb(), { minLength: 10, maxLength: 10 }), { seed: SEED + 1, numRuns: configs.length });
    const mismatches: string[] = [];
    let checked = 0;
    configs.forEach((cfg, i) => {
      const yml = configYaml(cfg, { webhookUrl: (r) => `http://127.0.0.1:1/${r}` });
      const file = path.join(dir, `c${i}.yml`);
      writeFileSync(file, yml);
      const root = new Route(alertingConfig(yml).route!);
      for (const labels of labelSets[i]) {
        const r = spawnSync(amtool, ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)],
          { encoding: 'utf8', timeout: 30_000 });
        assert.equal(r.status, 0, r.stderr);
        checked++;
        const theirs = r.stdout.trim();
        const ours = root.match(labels).map((x) => x.receiver).join(',');
        if (ours !== theirs) mismatches.push(`config #${i} ${JSON.stringify(labels)}: amtool ${theirs} vs lookout ${ours}\n${yml}`);
      }
    });
    // eslint-disable-next-line no-console
    console.log(`      routing agreement: ${checked - mismatches.length}/${checked} label sets over ${configs.length} random trees`);
    assert.deepEqual(mismatches.slice(0, 3), []);
  });
});
