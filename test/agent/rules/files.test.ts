import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { glob } from '../../../agent/rules/files';

describe('rules/files glob (Go filepath.Glob through the RE2 module)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-glob-'));
    for (const f of ['a.yml', 'b.yml', 'c.yaml', 'x(1).yml', 'd.e.yml', '[x].yml', 'sub/z.yml']) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), '');
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const names = (pattern: string) => glob(path.join(dir, pattern)).map((p) => path.relative(dir, p));

  it('* and ? stay within a segment; results are sorted', () => {
    assert.deepEqual(names('*.yml'), ['[x].yml', 'a.yml', 'b.yml', 'd.e.yml', 'x(1).yml']);
    assert.deepEqual(names('?.yml'), ['a.yml', 'b.yml']);
    assert.deepEqual(names('*/*.yml'), ['sub/z.yml']);
  });
  it('classes, negated classes, escapes; regex metacharacters in names are literal', () => {
    assert.deepEqual(names('[a-b].yml'), ['a.yml', 'b.yml']);
    assert.deepEqual(names('[^a-b].y*'), ['c.yaml']);
    assert.deepEqual(names('x(1).y?l'), ['x(1).yml']);
    assert.deepEqual(names('\\[x].yml'), ['[x].yml']);
    assert.deepEqual(names('d.e.*'), ['d.e.yml']);
    assert.deepEqual(names('[z-a].yml'), [], 'a reversed range matches nothing, as in Go');
  });
  it('malformed patterns are errors', () => {
    assert.throws(() => names('[a.yml'), /syntax error in pattern/);
    assert.throws(() => names('[]a].yml'), /syntax error in pattern/);
    assert.throws(() => names('a*\\'), /syntax error in pattern/);
  });
});
