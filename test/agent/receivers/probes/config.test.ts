/** receivers.probes config: every testdata file through the real loader. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../helpers/repo';
import { loadReceiver, receiverProblems } from '../config-files';

describe('receivers.probes config', () => {
  it('testdata holds good and bad files, and the test covers each', () => {
    assert.deepEqual(readdirSync(path.join(repoRoot, 'agent/receivers/probes/testdata')).sort(), [
      'bad-timing.yaml', 'bad-typo.yaml', 'bad-values.yaml', 'defaults.yaml', 'full.yaml',
    ]);
  });

  it('defaults.yaml: an HTTP GET every 15s with a 5s timeout, any 2xx', () => {
    assert.deepEqual(loadReceiver('probes', 'defaults.yaml').probes, {
      job: 'probes', interval: 15_000, timeout: 5_000,
      targets: [{
        prober: 'http', target: 'http://127.0.0.1:8000/health', labels: {},
        http: {
          method: 'GET', headers: {}, valid_status_codes: [], fail_if_body_matches_regexp: [], fail_if_body_not_matches_regexp: [],
          body_size_limit: 1048576, insecure_skip_verify: false,
        },
      }],
    });
  });

  it('full.yaml: every key is read', () => {
    const p = loadReceiver('probes', 'full.yaml').probes!;
    assert.equal(p.job, 'app-probes');
    assert.equal(p.interval, 30_000);
    assert.deepEqual(p.targets[0], {
      prober: 'http', target: 'https://127.0.0.1:8443/health', interval: 10_000, timeout: 2_000, labels: { team: 'payments' },
      http: {
        method: 'POST', headers: { authorization: 'Bearer x' }, body: '{"ping":true}', valid_status_codes: [200, 204],
        fail_if_body_matches_regexp: ['(?i)degraded'], fail_if_body_not_matches_regexp: ['"status":\\s*"ok"'],
        body_size_limit: 65536, insecure_skip_verify: true,
      },
    });
    assert.equal(p.targets[1].prober, 'tcp');
    assert.equal(p.targets[1].target, '[::1]:5432');
  });

  it('bad-typo.yaml: unknown keys are named', () => {
    assert.deepEqual(receiverProblems('probes', 'bad-typo.yaml').map((x) => x.replace(/; allowed here.*/, '')), [
      'receivers.probes.targets.0.http.valid_status_code: unknown key (did you mean "valid_status_codes"?)',
      'receivers.probes.targets.0.module: unknown key',
      'receivers.probes.target: unknown key (did you mean "targets"?)',
    ]);
  });

  it('bad-values.yaml: each wrong value is reported at its key', () => {
    const p = receiverProblems('probes', 'bad-values.yaml');
    for (const expected of [
      'receivers.probes.targets.0.target: http target must be an http:// or https:// URL, got "ftp://127.0.0.1/health"',
      'receivers.probes.targets.1.target: tcp target must be host:port, got "127.0.0.1"',
      'receivers.probes.targets.2.prober: Invalid option: expected one of "http"|"tcp"',
      'receivers.probes.targets.3.labels.1bad: Invalid key in record',
      'receivers.probes.targets.3.http.valid_status_codes.0: Too small: expected number to be >=100',
      'receivers.probes.targets.3.http.fail_if_body_not_matches_regexp.0: error parsing regexp: invalid named capture: `(?<!x)y`',
    ]) assert.ok(p.includes(expected), `${expected}\nin\n${p.join('\n')}`);
  });

  it('bad-timing.yaml: timeout within the interval, interval >= 1s, no duplicate target, no reserved label', () => {
    assert.deepEqual(receiverProblems('probes', 'bad-timing.yaml').sort(), [
      'receivers.probes.targets.0.timeout: must be positive and at most the interval (10000 ms), got 20000 ms',
      'receivers.probes.targets.1.timeout: must be positive and at most the interval (10000 ms), got 20000 ms',
      'receivers.probes.targets.1: duplicate target http://127.0.0.1:8000/health',
      'receivers.probes.targets.2.interval: must be at least 1s',
      'receivers.probes.targets.2.labels.instance: label instance is set by the prober',
    ].sort());
  });
});
