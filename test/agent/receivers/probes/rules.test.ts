/** TargetDown (deploy/rules/lookout-probes.rules.yaml): promtool and lookout agree, and it joins the default pack only with probes. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadRules, readRuleFile } from '../../../../agent/rules/load';
import { rulesConfigSchema } from '../../../../agent/rules/config';
import { runRuleTests } from '../../../../agent/rules/unittest';
import { probesPackFiles } from '../../../../agent/receivers/probes/rules';
import { repoRoot } from '../../../helpers/repo';
import { requirePromtool, runPromtool } from '../../../compat/promtool/promtool-bin';

// The file the service loads, and its unit tests next to it.
const [pack] = probesPackFiles(true);
const packTests = pack.replace(/\.yaml$/, '.test.yaml');

describe('probes rule pack (TargetDown)', () => {
  it('TargetDown: critical, with summary, description, runbook; its unit tests pass under lookout test-rules', async function () {
    this.timeout(60_000);
    const { groups, problems } = readRuleFile(pack);
    assert.deepEqual(problems, []);
    const [rule] = groups.flatMap((g) => g.rules);
    assert.deepEqual([rule.name, rule.labels.severity, rule.for], ['TargetDown', 'critical', 60_000]);
    for (const k of ['summary', 'description', 'runbook']) assert.ok(rule.annotations[k], k);
    const r = await runRuleTests([packTests]);
    assert.equal(r.ok, true, r.output);
  });

  it('passes promtool check rules and its unit tests under promtool', function () {
    this.timeout(60_000);
    const bin = requirePromtool(this);
    const check = runPromtool(bin, ['check', 'rules', pack]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const r = runPromtool(bin, ['test', 'rules', path.basename(packTests)], path.dirname(pack));
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('is part of the default pack only when probes are configured; disabled_rules and overrides apply to it', () => {
    const names = (extra: string[], cfg: unknown = {}) => loadRules({ config: rulesConfigSchema.parse(cfg), baseDir: repoRoot, extraPackFiles: extra })
      .groups.flatMap((g) => g.rules.map((r) => r.name));
    assert.deepEqual(probesPackFiles(false), []);
    assert.deepEqual(probesPackFiles(true), [path.join(repoRoot, 'deploy', 'rules', 'lookout-probes.rules.yaml')]);
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
