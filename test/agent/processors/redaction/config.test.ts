import assert from 'node:assert/strict';
import { defaultPipelines } from '../../../../agent/service/pipelines/defaults';
import { builtinComponents } from '../../../../agent/components';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { redactionConfigSchema } from '../../../../agent/processors/redaction/config';
import { BUILTIN_PATTERN_NAMES } from '../../../../agent/processors/redaction/patterns';
import { repoRoot } from '../../../helpers/repo';
import { configSchema } from '../../../../agent/config/schema';
import { collectSecrets, maskBySchema } from '../../../../agent/config/secret';

const dir = path.join(repoRoot, 'agent/processors/redaction/testdata');

function issues(cfg: unknown): string[] {
  const r = redactionConfigSchema.safeParse(cfg);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('redaction: config', () => {
  it('defaults: on, mask ****, every built-in pattern, the default blocked keys', () => {
    const c = redactionConfigSchema.parse({});
    assert.equal(c.enabled, true);
    assert.equal(c.action, 'mask');
    assert.equal(c.mask, '****');
    assert.deepEqual(c.builtin_patterns, [...BUILTIN_PATTERN_NAMES]);
    assert.ok(c.blocked_keys.includes('authorization'));
    assert.equal(c.alerts, true);
  });

  it('is processors.redaction in the agent config, on when absent; the salt is a secret when printed', () => {
    // Absent from the config, it still runs: the default pipelines put it before their fan-out.
    const pipelines = defaultPipelines(configSchema.parse({}), builtinComponents());
    for (const p of Object.values(pipelines)) assert.deepEqual(p.processors, ['redaction']);
    const raw = { processors: { redaction: { action: 'hash', salt: 'a-salt-of-20-chars!!' } } };
    assert.deepEqual(collectSecrets(configSchema, raw), ['a-salt-of-20-chars!!']);
    assert.ok(!JSON.stringify(maskBySchema(configSchema, raw)).includes('a-salt-of-20-chars!!'));
  });

  for (const f of readdirSync(dir).filter((n) => n.startsWith('good'))) {
    it(`accepts testdata/${f}`, () => assert.deepEqual(issues(parse(readFileSync(path.join(dir, f), 'utf8'))), []));
  }

  const bad: [string, RegExp][] = [
    ['bad-hash-without-salt.yaml', /^salt: action: hash needs a salt/],
    ['bad-regex.yaml', /^blocked_values\.0: error parsing regexp: missing closing \)/],
    ['bad-unknown-key.yaml', /unrecognized key/i],
    ['bad-pattern-name.yaml', /^builtin_patterns\.0: /],
    ['bad-max-value-length.yaml', /^max_value_length: /],
    ['bad-duplicate-name.yaml', /^blocked_values\.1\.name: pattern name "ssn" is already used/],
  ];
  for (const [f, re] of bad) {
    it(`refuses testdata/${f} with a path: message error`, () => {
      const got = issues(parse(readFileSync(path.join(dir, f), 'utf8')));
      assert.ok(got.some((m) => re.test(m)), got.join('\n'));
    });
  }
});
