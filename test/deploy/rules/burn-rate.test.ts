/**
 * The default pack's error-budget burn-rate alerts (deploy/rules,
 * lookout-slo.rules.test.yaml at a 5 s evaluation interval): an 80 % error
 * burst fires ErrorBudgetBurnFast 10 s after it starts, a 1 % trickle fires
 * nothing for an hour, an 8 % steady failure fires only the slow burn.
 * Passes under promtool 2.42 and lookout test-rules alike.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { runRuleTests } from '../../../agent/rules/unittest';
import { repoRoot } from '../../helpers/repo';
import { requirePromtool, runPromtool } from '../../compat/promtool/promtool-bin';

const dir = path.join(repoRoot, 'deploy', 'rules');
const sloTests = path.join(dir, 'lookout-slo.rules.test.yaml');

describe('default pack burn-rate alerts (deploy/rules/lookout-slo.rules.test.yaml)', () => {
  it('pass under promtool test rules', function () {
    this.timeout(60_000);
    const bin = requirePromtool(this);
    const r = runPromtool(bin, ['test', 'rules', path.basename(sloTests)], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('pass under lookout test-rules', async function () {
    this.timeout(60_000);
    const r = await runRuleTests([sloTests]);
    assert.equal(r.ok, true, r.output);
  });
});
