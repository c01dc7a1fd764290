import assert from 'node:assert/strict';
import { jobTiming } from '../../../../agent/receivers/prometheus/config';
import { testdataConfigs } from '../../../helpers/config-testdata';

const { load, problems } = testdataConfigs('agent/receivers/prometheus/testdata', { SCRAPE_PASSWORD: 'pw' });
const job = 'receivers.prometheus.config.scrape_configs[0]';

describe('receivers.prometheus config', () => {
  it('a minimal config gets Prometheus\' defaults (and a bounded body)', () => {
    const c = load('good-minimal.yaml').receivers.prometheus!;
    assert.deepEqual(c.config.global, { scrape_interval: 60_000, scrape_timeout: 10_000 });
    const sc = c.config.scrape_configs[0];
    assert.deepEqual({ ...sc, static_configs: undefined }, {
      job_name: 'app', metrics_path: '/metrics', params: {}, scheme: 'http', honor_labels: false, honor_timestamps: true,
      static_configs: undefined, file_sd_configs: [], relabel_configs: [], metric_relabel_configs: [],
      sample_limit: 0, label_limit: 0, body_size_limit: 50 * 1024 * 1024,
    });
    assert.deepEqual(jobTiming(c, sc), { intervalMs: 60_000, timeoutMs: 10_000 });
    assert.equal(c.upstream, false);
    assert.equal(c.max_new_series_per_scrape, 10_000);
  });

  it('every key can be set (good-full.yaml)', () => {
    const c = load('good-full.yaml').receivers.prometheus!;
    const [app, sidecar] = c.config.scrape_configs;
    assert.equal(app.body_size_limit, 5 * 1024 * 1024);
    assert.equal(app.basic_auth?.password, 'pw');
    assert.equal(app.tls_config?.insecure_skip_verify, true);
    assert.equal(app.relabel_configs[1].action, 'hashmod');
    assert.equal(app.file_sd_configs[0].refresh_interval, 30_000);
    assert.deepEqual(jobTiming(c, app), { intervalMs: 10_000, timeoutMs: 2000 });
    assert.deepEqual(jobTiming(c, sidecar), { intervalMs: 15_000, timeoutMs: 5000 });
    assert.equal(sidecar.authorization?.credentials_file, 'token.txt');
    assert.equal(c.max_series, 5000);
    assert.equal(c.upstream, true);
  });

  it('bad configs name every problem with its path, in Prometheus\' words', () => {
    assert.deepEqual(problems('bad-duplicate-job.yaml'), [
      'receivers.prometheus.config.scrape_configs[1].job_name: found multiple scrape configs with job name "app"',
    ]);
    assert.deepEqual(problems('bad-timeout.yaml'), [`${job}.scrape_timeout: scrape timeout greater than scrape interval for scrape config with job name "app"`]);
    const relabel = problems('bad-relabel.yaml');
    assert.equal(relabel.length, 4);
    assert.match(relabel[0], /relabel_configs\[0\]\.regex: invalid regex: error parsing regexp: missing closing \)/);
    assert.match(relabel[1], /relabel_configs\[1\]\.modulus: relabel configuration for hashmod requires non-zero modulus/);
    assert.match(relabel[2], /relabel_configs\[2\]\.target_label: relabel configuration for replace action requires 'target_label' value/);
    assert.match(relabel[3], /relabel_configs\[3\]\.action: /);
    assert.match(problems('bad-typo.yaml')[0], /scrape_intervall: unknown key \(did you mean "scrape_interval"\?\)/);
    assert.deepEqual(problems('bad-auth.yaml'), [`${job}.authorization: at most one of basic_auth, oauth2 & authorization must be configured`]);
    const size = problems('bad-size.yaml');
    assert.ok(size.some((p) => p.startsWith(`${job}.body_size_limit: not a valid size "5 megabytes"`)), size.join('\n'));
    assert.ok(size.some((p) => p.startsWith(`${job}.sample_limit:`)), size.join('\n'));
  });
});
