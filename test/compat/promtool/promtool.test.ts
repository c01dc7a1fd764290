import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { runRuleTests } from '../../../agent/rules/unittest';
import { findPromtool, runPromtool } from './promtool-bin';

/**
 * Every unit-test file in testdata/ runs under `promtool test rules` and
 * under Lookout's runRuleTests: verdicts must agree (and match the file's
 * name, *.pass.* or *.fail.*), and so must the details of failures that both
 * report the same way (alert and expression mismatches, evaluation errors).
 */
const testdata = path.join(__dirname, 'testdata');
const files = readdirSync(testdata).filter((f) => f.endsWith('.test.yaml')).sort();

/** Failure detail lines, comparable between both tools (load-error wording differs). */
function detailLines(output: string): string[] {
  return output.split('\n').filter((l) => /^ {4}(alertname|expr|rule|name):| {8}(exp|got):| {14}(Labels|Annotations):/.test(l));
}

describe('promtool test rules compatibility', () => {
  const promtool = findPromtool();
  before(function () {
    if (!promtool && process.env.CI) throw new Error('promtool not found (apt-get install -y prometheus) and CI is set');
  });

  for (const file of files) {
    const expectPass = file.includes('.pass.');
    it(`${file}: ${expectPass ? 'passes' : 'fails'} under both`, async function () {
      this.timeout(60_000);
      const ours = await runRuleTests([path.join(testdata, file)]);
      assert.equal(ours.ok, expectPass, ours.output);
      assert.match(ours.output, expectPass ? /\n {2}SUCCESS\n/ : /\n {2}FAILED:\n/);
      if (!promtool) return;
      const theirs = runPromtool(promtool, ['test', 'rules', file], testdata);
      assert.equal(theirs.status === 0, expectPass, theirs.stdout + theirs.stderr);
      assert.deepEqual(detailLines(ours.output), detailLines(theirs.stderr), `ours:\n${ours.output}\npromtool:\n${theirs.stderr}`);
    });
  }
});
