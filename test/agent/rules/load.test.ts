import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rulesConfigSchema } from '../../../agent/rules/config';
import { findDefaultPackPath } from '../../../agent/rules/default-pack';
import { glob } from '../../../agent/rules/files';
import { loadRules, validateRulesConfig } from '../../../agent/rules/load';
import { repoRoot } from '../../helpers/repo';

const testdata = path.join(repoRoot, 'agent', 'rules', 'testdata');

describe('loading rules (files and the default pack)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lookout-rules-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the shipped default pack', () => {
    assert.equal(findDefaultPackPath(), path.join(repoRoot, 'deploy', 'rules', 'lookout-default.rules.yaml'));
  });

  it('resolves files and globs against the config directory', () => {
    mkdirSync(path.join(dir, 'rules.d'));
    const rule = 'groups:\n- name: NAME\n  rules:\n  - record: x\n    expr: up\n';
    writeFileSync(path.join(dir, 'rules.d', 'b.yaml'), rule.replace('NAME', 'b'));
    writeFileSync(path.join(dir, 'rules.d', 'a.yaml'), rule.replace('NAME', 'a'));
    writeFileSync(path.join(dir, 'rules.d', 'c.txt'), 'not rules');
    writeFileSync(path.join(dir, 'main.yaml'), rule.replace('NAME', 'main'));
    const config = rulesConfigSchema.parse({ files: ['main.yaml', 'rules.d/*.yaml', 'none/*.yaml'], default_pack: { enabled: false } });
    const r = loadRules({ config, baseDir: dir });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.groups.map((g) => g.name), ['main', 'a', 'b']);
    assert.equal(r.groups[1].file, path.join(dir, 'rules.d', 'a.yaml'));
    assert.deepEqual(r.warnings, [`rules.files[2]: pattern "none/*.yaml" matches no file (relative to ${dir})`]);
    assert.deepEqual(glob(path.join(dir, 'rules.d', '[ab].yaml')), [path.join(dir, 'rules.d', 'a.yaml'), path.join(dir, 'rules.d', 'b.yaml')]);
  });

  it('reports a missing file and every problem of every file', () => {
    const config = rulesConfigSchema.parse({ files: ['missing.yaml', 'bad.rules.yaml', 'typo.rules.yaml'], default_pack: { enabled: false } });
    const p = validateRulesConfig(config, testdata);
    assert.equal(p[0], `rules.files[0]: no such file "missing.yaml" (relative to ${testdata})`);
    assert.ok(p.some((l) => l.startsWith(`${path.join(testdata, 'bad.rules.yaml')}: 7:15: group "broken", rule 1, "BadExpr": expr:`)), p.join('\n'));
    assert.ok(p.some((l) => l.includes('unknown field "exprs"')), p.join('\n'));
  });

  it('loads the default pack by default', () => {
    const r = loadRules({ config: rulesConfigSchema.parse({}), baseDir: dir });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.groups.map((g) => g.name), ['lookout-red', 'lookout-slo', 'lookout-runtime', 'lookout-agent']);
    const names = r.groups.flatMap((g) => g.rules.map((x) => x.name));
    for (const n of ['HighErrorRate', 'HighLatency', 'HighLatencyP99', 'AppSilent', 'ErrorLogBurst', 'EventLoopLag', 'HeapNearLimit', 'LookoutExportFailing', 'LookoutExportQueueFull', 'LookoutEventLoopBlocked']) {
      assert.ok(names.includes(n), n);
    }
  });

  it('disables and overrides pack rules by name', () => {
    const config = rulesConfigSchema.parse({
      default_pack: {
        disabled_rules: ['AppSilent', 'EventLoopLag', 'HeapNearLimit'],
        overrides: {
          HighErrorRate: { for: '10m', expr: 'vector(1)', labels: { team: 'payments', severity: '' }, annotations: { runbook: 'https://wiki/errors' } },
        },
      },
    });
    const r = loadRules({ config, baseDir: dir });
    assert.deepEqual(r.problems, []);
    const rules = r.groups.flatMap((g) => g.rules);
    assert.ok(!rules.some((x) => x.name === 'AppSilent'));
    assert.ok(!r.groups.some((g) => g.name === 'lookout-runtime'), 'a group left empty is dropped');
    const her = rules.find((x) => x.name === 'HighErrorRate')!;
    assert.equal(her.for, 600_000);
    assert.equal(her.expr, 'vector(1)');
    assert.deepEqual(her.labels, { team: 'payments' }, 'an empty value removes a label');
    assert.equal(her.annotations.runbook, 'https://wiki/errors');
    assert.match(her.annotations.summary, /humanizePercentage/, 'other annotations stay');
  });

  it('names unknown pack rules and invalid overrides by config key', () => {
    const config = rulesConfigSchema.parse({
      default_pack: {
        disabled_rules: ['NoSuchRule'],
        overrides: {
          Nope: { for: '1m' },
          HighLatency: { expr: 'sum(', annotations: { summary: '{{ .Broken }' } },
          'service_name:lookout_requests:rate5m': { for: '1m' },
        },
      },
    });
    const p = loadRules({ config, baseDir: dir }).problems;
    assert.match(p[0], /^rules\.default_pack\.disabled_rules\[0\]: no rule named "NoSuchRule" in the default pack \(rules: .*HighErrorRate/);
    assert.ok(p.some((l) => l.startsWith('rules.default_pack.overrides.Nope: no rule named "Nope"')), p.join('\n'));
    assert.ok(p.includes('rules.default_pack.overrides.HighLatency.expr: could not parse expression: 1:5: parse error: unexpected end of input'), p.join('\n'));
    assert.ok(p.includes('rules.default_pack.overrides.HighLatency.annotations.summary: template: __alert_HighLatency:1: unexpected "}" in operand'), p.join('\n'));
    assert.ok(p.some((l) => l.startsWith('rules.default_pack.overrides.service_name:lookout_requests:rate5m.for: ')), p.join('\n'));
  });
});
