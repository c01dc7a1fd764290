import assert from 'node:assert/strict';
import path from 'node:path';
import { readRuleFile } from '../../../agent/rules/load';
import { runRuleTests } from '../../../agent/rules/unittest';
import { repoRoot } from '../../helpers/repo';
import { requirePromtool, runPromtool } from '../../compat/promtool/promtool-bin';

const dir = path.join(repoRoot, 'deploy', 'rules');
const pack = path.join(dir, 'lookout-default.rules.yaml');
const packTests = path.join(dir, 'lookout-default.rules.test.yaml');

describe('default rule pack (deploy/rules)', () => {
  it('loads without problems and every alert has severity, summary, description, runbook', () => {
    const { groups, problems } = readRuleFile(pack);
    assert.deepEqual(problems, []);
    const alerts = groups.flatMap((g) => g.rules).filter((r) => r.kind === 'alert');
    assert.ok(alerts.length >= 9);
    for (const a of alerts) {
      assert.match(a.labels.severity ?? '', /^(critical|warning|info)$/, a.name);
      for (const k of ['summary', 'description', 'runbook']) assert.ok(a.annotations[k], `${a.name} lacks ${k}`);
    }
  });

  it('passes promtool check rules', function () {
    const bin = requirePromtool(this);
    const r = runPromtool(bin, ['check', 'rules', pack]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS: \d+ rules found/);
  });

  it('passes its unit tests under promtool', function () {
    this.timeout(60_000);
    const bin = requirePromtool(this);
    const r = runPromtool(bin, ['test', 'rules', path.basename(packTests)], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('passes its unit tests under lookout test-rules', async function () {
    this.timeout(60_000);
    const r = await runRuleTests([packTests]);
    assert.equal(r.ok, true, r.output);
  });
});
