import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { attributesConfigSchema } from '../../../../agent/processors/attributes/config';
import { resourceConfigSchema } from '../../../../agent/processors/resource/config';
import { repoRoot } from '../../../helpers/repo';

function issues(schema: typeof attributesConfigSchema | typeof resourceConfigSchema, cfg: unknown): string[] {
  const r = schema.safeParse(cfg);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

for (const [name, schema] of [['attributes', attributesConfigSchema], ['resource', resourceConfigSchema]] as const) {
  describe(`${name}: config testdata`, () => {
    const dir = path.join(repoRoot, `agent/processors/${name}/testdata`);
    for (const f of readdirSync(dir)) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      if (f.startsWith('good')) {
        it(`accepts ${f}`, () => assert.deepEqual(issues(schema, parse(text)), []));
      } else {
        // The expected error is the file's first line: `# expect: <path: message start>`.
        const expected = /^# expect: (.*)$/m.exec(text)![1];
        it(`refuses ${f}: ${expected}`, () => {
          const got = issues(schema, parse(text));
          assert.ok(got.some((m) => m.startsWith(expected)), got.join('\n'));
        });
      }
    }
  });
}
