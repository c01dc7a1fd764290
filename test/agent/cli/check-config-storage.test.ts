/**
 * `lookout check-config` checks storage.dir (issue 8, item 7), and YAML
 * errors, self-referencing aliases included, are "path: message" lines.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { checkConfigCommand } from '../../../agent/cli/check-config';
import { ConfigError, parseConfigText } from '../../../agent/config/load';

function checkConfig(file: string): { code: number; out: string } {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
  try {
    return { code: checkConfigCommand(file), out };
  } finally {
    process.stdout.write = write;
  }
}

function problems(text: string): string[] {
  try {
    parseConfigText(text, 'test.yaml', {});
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${String(err)}`);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe('check-config: storage.dir and YAML errors', () => {
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(path.join(os.tmpdir(), 'lookout-checkcfg-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('storage.dir that is a file is a problem at storage.dir', () => {
    writeFileSync(path.join(tmp, 'afile'), 'x');
    const cfg = path.join(tmp, 'lookout.yaml');
    writeFileSync(cfg, 'storage:\n  dir: ./afile\n');
    const r = checkConfig(cfg);
    assert.equal(r.code, 1);
    assert.match(r.out, /^storage\.dir: .*afile is not a directory; set storage\.dir to a writable directory$/m);
  });

  it('a storage.dir that does not exist yet but can be created is fine', () => {
    const cfg = path.join(tmp, 'lookout.yaml');
    writeFileSync(cfg, 'storage:\n  dir: ./data/nested\n');
    const r = checkConfig(cfg);
    assert.equal(r.code, 0, r.out);
  });

  it('a self-referencing alias is a path: message line, not a RangeError', () => {
    assert.deepEqual(problems('a: &a [*a]\n'), ['a[0]: alias *a refers to its own anchor &a, which contains it (a cycle that never ends)']);
    assert.deepEqual(problems('receivers: &r\n  otlp:\n    x: *r\n'), ['receivers.otlp.x: alias *r refers to its own anchor &r, which contains it (a cycle that never ends)']);
  });

  it('too many aliases (billion laughs) is a problem, not a hang', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) lines.push(`${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10).fill(`*${'abcdefgh'[i - 1]}`).join(', ')}]`);
    const p = problems(lines.join('\n') + '\n');
    assert.equal(p.length, 1);
    assert.match(p[0], /^\(document\): cannot read the YAML: .*alias/i);
  });

  it('plain aliases still work', () => {
    assert.deepEqual(problems('admin:\n  endpoint: &ep 127.0.0.1:0\nreceivers:\n  otlp:\n    http:\n      endpoint: *ep\n'), []);
  });
});
