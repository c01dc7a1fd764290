/**
 * The built `lookout` binary (the package's bin entry) as a user runs it:
 * --help, --version and check-config on good and bad files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/repo';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: { lookout: string } };
const bin = path.join(repoRoot, pkg.bin.lookout);
const testdata = path.join(repoRoot, 'agent/config/testdata');

function lookout(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('lookout CLI (built bin)', function () {
  before(function () {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run "npm run build" (npm test does it first)`);
  });

  it('--version prints the package version', () => {
    const r = lookout(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.out.trim(), pkg.version);
  });

  it('--help lists the commands', () => {
    const r = lookout(['--help']);
    assert.equal(r.code, 0);
    for (const cmd of ['run', 'check-config', 'inject', 'test-rules']) assert.match(r.out, new RegExp(`\\b${cmd}\\b`));
  });

  it('check-config exits 0 on a valid file', () => {
    const r = lookout(['check-config', path.join(testdata, 'full.yaml')]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /valid/);
  });

  it('check-config exits 1 and names the unknown key', () => {
    const r = lookout(['check-config', path.join(testdata, 'typo.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.out, /^receivers\.otlp\.http\.endpiont: unknown key/m);
  });

  it('check-config lists every wrong type as path.to.key: message', () => {
    const r = lookout(['check-config', path.join(testdata, 'wrong-type.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.out, /^exporters\.otlp\.compression: /m);
    assert.match(r.out, /^exporters\.otlp\.timeout: /m);
    assert.match(r.out, /^admin\.endpoint: expected host:port/m);
  });

  it('check-config reports a missing environment variable', () => {
    const r = lookout(['check-config', path.join(testdata, 'missing-env.yaml')], { LOOKOUT_TEST_UNSET_UPSTREAM: '' });
    assert.equal(r.code, 1);
    assert.match(r.out, /^exporters\.otlp\.endpoint: environment variable LOOKOUT_TEST_UNSET_UPSTREAM is not set/m);
  });

  it('check-config also validates the rule files the config names', () => {
    const bad = lookout(['check-config', path.join(testdata, 'bad-rule-file.yaml')]);
    assert.equal(bad.code, 1, bad.out);
    assert.match(bad.out, /^rules\.files: .*bad\.rules\.yaml/m);
  });

  it('check-config validates alert routing (a route naming an undefined receiver)', () => {
    const bad = lookout(['check-config', path.join(testdata, 'bad-routing.yaml')]);
    assert.equal(bad.code, 1, bad.out);
    assert.match(bad.out, /^alerting\.route\.routes\[0\]\.receiver: undefined receiver "nobody"/m);
  });

  it('test-rules runs promtool unit-test files with promtool verdicts', () => {
    const dir = path.join(repoRoot, 'test/compat/promtool/testdata');
    const pass = lookout(['test-rules', path.join(dir, 'recording.pass.test.yaml')]);
    assert.equal(pass.code, 0, pass.out);
    assert.match(pass.out, /SUCCESS/);
    const fail = lookout(['test-rules', path.join(dir, 'recording.fail.test.yaml')]);
    assert.equal(fail.code, 1, fail.out);
    assert.match(fail.out, /FAILED/);
  });

  it('check-config on a missing file exits 1 with the path', () => {
    const r = lookout(['check-config', '/nonexistent/lookout.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.out, /cannot read \/nonexistent\/lookout\.yaml/);
  });
});
