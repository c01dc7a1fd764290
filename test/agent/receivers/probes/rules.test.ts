/** TargetDown (deploy/rules/lookout-probes.rules.yaml): promtool and lookout agree, and it joins the default pack only with probes. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadRules, readRuleFile } from '../../../../agent/rules/load';
import { rulesConfigSchema } from '../../../../agent/rules/config';
import { runRuleTests } from '../../../../agent/rules/unittest';
import { probesPackFiles } from '../../../../agent/receivers/probes/rules';
import { repoRoot } from '../../../helpers/repo';
import { requirePromtool, runPromtool } from '../../../compat/promtool/promtool-bin';

const dir = path.join(repoRoot, 'deploy', 'rules');
const pack = path.join(dir, 'lookout-probes.rules.yaml');
const packTests = path.join(dir, 'lookout-probes.rules.test.yaml');

describe('probes rule pack (TargetDown)', () => {
  it('loads without problems; TargetDown is critical with summary, description, runbook', () => {
    const { groups, problems } = readRuleFile(pack);
    assert.deepEqual(problems, []);
    const [rule] = groups.flatMap((g) => g.rules);
    assert.equal(rule.name, 'TargetDown');
    assert.equal(rule.labels.severity, 'critical');
    for (const k of ['summary', 'description', 'runbook']) assert.ok(rule.annotations[k], k);
  });

  it('passes promtool check rules and its unit tests under promtool', function () {
    this.timeout(60_000);
    const bin = requirePromtool(this);
    const check = runPromtool(bin, ['check', 'rules', pack]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const r = runPromtool(bin, ['test', 'rules', path.basename(packTests)], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('passes its unit tests under lookout test-rules', async function () {
    this.timeout(60_000);
    const r = await runRuleTests([packTests]);
    assert.equal(r.ok, true, r.output);
  });

  it('is part of the default pack only when probes are configured; disabled_rules and overrides apply to it', () => {
    const names = (extra: string[], cfg: unknown = {}) => loadRules({ config: rulesConfigSchema.parse(cfg), baseDir: repoRoot, extraPackFiles: extra })
      .groups.flatMap((g) => g.rules.map((r) => r.name));
    assert.deepEqual(probesPackFiles(false), []);
    assert.deepEqual(probesPackFiles(true), [pack]);
    assert.ok(!names([]).includes('TargetDown'));
    assert.ok(names(probesPackFiles(true)).includes('TargetDown'));
    assert.ok(!names(probesPackFiles(true), { default_pack: { disabled_rules: ['TargetDown'] } }).includes('TargetDown'));
    const loaded = loadRules({
      config: rulesConfigSchema.parse({ default_pack: { overrides: { TargetDown: { for: '5m' } } } }), baseDir: repoRoot, extraPackFiles: [pack],
    });
    assert.deepEqual(loaded.problems, []);
    const td = loaded.groups.flatMap((g) => g.rules).find((r) => r.name === 'TargetDown')!;
    assert.equal(td.for, 300_000);
  });
});
