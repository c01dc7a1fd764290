/**
 * The built-in patterns are JavaScript regexes and hand-written scanners
 * (README.md: why). Each must stay linear on inputs built to make a
 * backtracking engine rescan: 100 000 characters in well under a second
 * (a quadratic pattern takes minutes here), and the same expressions on
 * re2js (linear by construction) find the same matches.
 */
import assert from 'node:assert/strict';
import { RE2JS } from 're2js';
import { Redactor } from '../../../../agent/processors/redaction/redactor';
import { redactionConfigSchema } from '../../../../agent/processors/redaction/config';
import { PATTERN_SOURCES, SECRET_ASSIGNMENT_SOURCE } from '../../../../agent/processors/redaction/patterns';
import { LEAKS } from './corpus';

const N = 100_000;
const ADVERSARIAL: Record<string, string> = {
  'eyJ runs without dots': 'eyJ-'.repeat(N / 4),
  'eyJ header.payload without end': `${'eyJabcd.'.repeat(N / 8)}`,
  'BEGIN markers without END': '-----BEGIN RSA PRIVATE KEY-----'.repeat(N / 31),
  'schemes without @': 'a://b:'.repeat(N / 6),
  'userinfo without @': `x://${'u'.repeat(N / 2)}:${'p'.repeat(N / 2)}`,
  'keywords without separators': 'password'.repeat(N / 8),
  'keyword prefixes': `${'a.'.repeat(N / 4)}token`,
  'open quotes': `password="${'x'.repeat(N)}`,
  'digit runs': '4'.repeat(N),
  'digit groups': '4111 '.repeat(N / 5),
  'bearer words': 'Bearer Bearer '.repeat(N / 14),
  'AKIA runs': 'AKIA'.repeat(N / 4),
  'token prefixes': 'ghp_'.repeat(N / 4),
};

describe('redaction: built-in patterns run in linear time', function () {
  this.timeout(30_000);
  const r = new Redactor(redactionConfigSchema.parse({}));
  for (const [name, input] of Object.entries(ADVERSARIAL)) {
    it(`${name} (${input.length} chars)`, () => {
      const started = performance.now();
      r.redactString(input);
      const ms = performance.now() - started;
      assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
    });
  }

  it('the regex-based patterns match what re2js matches on the corpus', () => {
    const sources: Record<string, string> = { ...PATTERN_SOURCES, secret_assignment: SECRET_ASSIGNMENT_SOURCE };
    for (const [name, source] of Object.entries(sources)) {
      const fold = name === 'authorization' || name === 'secret_assignment';
      const js = new RegExp(source, fold ? 'gi' : 'g');
      const re2 = RE2JS.compile(source, fold ? RE2JS.CASE_INSENSITIVE : 0);
      for (const leak of LEAKS) {
        for (const text of Array.isArray(leak.value) ? leak.value : [leak.value]) {
          const fromJs = [...text.matchAll(js)].map((m) => m[0]);
          const fromRe2: string[] = [];
          const m = re2.matcher(text);
          while (m.find()) fromRe2.push(m.group() ?? '');
          assert.deepEqual(fromJs, fromRe2, `${name} on ${text}`);
        }
      }
    }
  });
});
