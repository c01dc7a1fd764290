/**
 * Route matchers with RE2 regexes (flag groups, POSIX classes, \A/\z,
 * anchoring, a ReDoS pattern) routed by Lookout and by the real
 * Alertmanager's `amtool config routes test` on the same alertmanager.yml:
 * every label set must reach the same receivers. Skipped without amtool
 * (apt-get install -y prometheus-alertmanager) unless CI is set.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Route } from '../../../agent/alerting/route';
import { alertingConfig } from './harness';

const CONFIG = `route:
  receiver: default
  routes:
    - matchers: ['service=~"(?i:checkout)-api"']
      receiver: checkout
    - matchers: ['instance=~"[[:alpha:]]+[[:digit:]]{2}"']
      receiver: posix
    - matchers: ['env=~"prod|staging"', 'team!~"(?i)ops"']
      receiver: prodteams
    - match_re: {path: '\\A/api/v[0-9]+\\z'}
      receiver: api
    - matchers: ['msg=~"(a+)+b"']
      receiver: redos
      continue: true
    - matchers: ['msg=~"((?i)A)+.*"', 'kind=~"[^[:space:]]*"']
      receiver: scoped-flag
    - matchers: ['host=~"\\\\pL+-\\\\d"']
      receiver: unicode
receivers:
  - name: default
  - name: checkout
  - name: posix
  - name: prodteams
  - name: api
  - name: redos
  - name: scoped-flag
  - name: unicode
`;

const LABEL_SETS: Record<string, string>[] = [
  { service: 'CheckOut-api' }, { service: 'CheckOut-API' }, { service: 'checkout-api-v2' },
  { instance: 'db01' }, { instance: 'db1' }, { instance: 'db011' }, { instance: 'Ωb01' },
  { env: 'prod', team: 'OPS' }, { env: 'prod', team: 'dev' }, { env: 'production' }, { env: 'staging' },
  { path: '/api/v2' }, { path: '/api/v2/x' }, { path: '/api/' },
  { msg: 'a'.repeat(40) + 'b' }, { msg: 'a'.repeat(40) }, { msg: 'Aaab', kind: 'x y' }, { msg: 'aXb' },
  { host: 'héllo-1' }, { host: 'hello-12' }, {},
];

function findAmtool(): string | undefined {
  for (const c of [process.env.AMTOOL, 'amtool', '/usr/bin/amtool'].filter((x): x is string => !!x)) {
    if (spawnSync(c, ['--version'], { encoding: 'utf8' }).status === 0) return c;
  }
  return undefined;
}

describe('route regex matchers agree with amtool config routes test', function () {
  this.timeout(60_000);
  let amtool: string;
  let dir: string;

  before(function () {
    const bin = findAmtool();
    if (!bin) {
      if (process.env.CI) throw new Error('amtool not found and CI is set');
      this.skip();
    }
    amtool = bin!;
    dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-amtool-'));
    writeFileSync(path.join(dir, 'alertmanager.yml'), CONFIG);
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('routes every label set to the receivers Alertmanager picks', () => {
    const root = new Route(alertingConfig(CONFIG).route!);
    const mismatches: string[] = [];
    for (const labels of LABEL_SETS) {
      const r = spawnSync(amtool, ['config', 'routes', 'test', `--config.file=${path.join(dir, 'alertmanager.yml')}`,
        ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      const theirs = r.stdout.trim().split(',').map((s) => s.trim());
      const ours = root.match(labels).map((x) => x.receiver);
      if (ours.join(',') !== theirs.join(',')) mismatches.push(`${JSON.stringify(labels)}: amtool ${theirs.join(',')} vs lookout ${ours.join(',')}`);
    }
    assert.deepEqual(mismatches, []);
  });

  it('refuses invalid route regexes with amtool check-config\'s exact message', () => {
    for (const bad of ['db((', '[z-a]', 'a(?=b)', 'x{1001}', '\\8', '(?P<>a)', '\\pX']) {
      const yml = `route:\n  receiver: a\n  routes:\n    - match_re: {job: ${JSON.stringify(bad)}}\n      receiver: a\nreceivers:\n  - name: a\n`;
      const file = path.join(dir, 'bad.yml');
      writeFileSync(file, yml);
      const r = spawnSync(amtool, ['check-config', file], { encoding: 'utf8', timeout: 30_000 });
      const theirs = /FAILED: (.*)/.exec(r.stdout + r.stderr)?.[1];
      assert.ok(theirs, r.stdout + r.stderr);
      let ours = '';
      try {
        alertingConfig(yml);
      } catch (err) {
        ours = (err as { problems?: { message: string }[] }).problems?.[0]?.message ?? String(err);
      }
      assert.equal(ours, theirs, bad);
    }
  });
});
