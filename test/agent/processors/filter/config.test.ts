import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { filterConfigSchema } from '../../../../agent/processors/filter/config';
import { repoRoot } from '../../../helpers/repo';

describe('filter: config testdata', () => {
  const dir = path.join(repoRoot, 'agent/processors/filter/testdata');
  for (const f of readdirSync(dir)) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    const r = () => filterConfigSchema.safeParse(parse(text));
    const issues = () => { const x = r(); return x.success ? [] : x.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`); };
    if (f.startsWith('good')) {
      it(`accepts ${f}`, () => assert.deepEqual(issues(), []));
    } else {
      const expected = /^# expect: (.*)$/m.exec(text)![1];
      it(`refuses ${f}: ${expected}`, () => assert.ok(issues().some((m) => m.startsWith(expected)), issues().join('\n')));
    }
  }

  it('severity_number.min accepts names and numbers', () => {
    const c = filterConfigSchema.parse({ logs: { include: { match_type: 'strict', severity_number: { min: 'ERROR' } } } });
    assert.equal(c.logs.include?.severity_number?.min, 17);
    assert.equal(c.error_mode, 'propagate');
  });
});
