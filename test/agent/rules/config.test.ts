import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfigText } from '../../../agent/config/load';
import { rulesConfigSchema } from '../../../agent/rules/config';
import { repoRoot } from '../../helpers/repo';

const testdata = path.join(repoRoot, 'agent', 'rules', 'testdata');
const load = (name: string) => parseConfigText(readFileSync(path.join(testdata, name), 'utf8'), name, {});

function problems(name: string): string[] {
  try {
    load(name);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail(`${name} should be invalid`);
}

describe('rules configuration', () => {
  it('defaults to no files, 5s, the default pack on, Prometheus flag defaults', () => {
    const c = rulesConfigSchema.parse({});
    assert.deepEqual(c, {
      files: [], evaluation_interval: 5_000, external_labels: {}, external_url: '', resend_delay: 60_000,
      outage_tolerance: 3_600_000, for_grace_period: 600_000, restore_hold: 120_000,
      default_pack: { enabled: true, disabled_rules: [], overrides: {} },
    });
  });

  it('reads every key', () => {
    const c = load('config-good.yaml').rules;
    assert.deepEqual(c.files, ['good.rules.yaml', '*.extra.yaml']);
    assert.equal(c.evaluation_interval, 30_000);
    assert.deepEqual(c.external_labels, { cluster: 'eu-1' });
    assert.equal(c.external_url, 'http://lookout.example:9464');
    assert.equal(c.resend_delay, 120_000);
    assert.equal(c.outage_tolerance, 7_200_000);
    assert.equal(c.for_grace_period, 300_000);
    assert.deepEqual(c.default_pack.disabled_rules, ['AppSilent']);
    assert.deepEqual(c.default_pack.overrides.HighErrorRate, {
      for: 600_000, labels: { team: 'payments', severity: 'warning' }, annotations: { runbook: '' },
    });
  });

  it('points at a typo with a suggestion', () => {
    assert.deepEqual(problems('config-typo.yaml'), [
      'rules.evaluation_intervall: unknown key (did you mean "evaluation_interval"?); allowed here: files, evaluation_interval, external_labels, external_url, resend_delay, outage_tolerance, for_grace_period, restore_hold, default_pack',
    ]);
  });

  it('rejects too short intervals, bad label names and unknown override keys', () => {
    const p = problems('config-bad.yaml');
    assert.ok(p.includes('rules.evaluation_interval: must be at least 1s'), p.join('\n'));
    assert.ok(p.some((l) => l.startsWith('rules.external_labels.bad-name: invalid label name')), p.join('\n'));
    assert.ok(p.some((l) => l.startsWith('rules.default_pack.overrides.HighErrorRate.forr: unknown key')), p.join('\n'));
  });
});
