/**
 * The secret() marking and what is built on it: masking a config document
 * by its schema, collecting secret values, and the scrubber every output
 * line passes.
 */
import assert from 'node:assert/strict';
import { z } from 'zod';
import { configSchema } from '../../../agent/config/schema';
import { SecretScrubber } from '../../../agent/config/scrub';
import { collectSecrets, maskBySchema, maskUserinfo, secret } from '../../../agent/config/secret';

describe('config secrets', () => {
  const doc = {
    exporters: { otlp: { endpoint: 'http://collector:4318', headers: { authorization: 'Bearer tok-1' } } },
    alerting: {
      global: { slack_api_url: 'https://hooks.slack.com/services/T/B/X', smtp_auth_password: 'pw-2' },
      route: { receiver: 'r' },
      receivers: [{ name: 'r', webhook_configs: [{ url: 'http://hook/x', http_config: { basic_auth: { username: 'u', password: 'pw-3' } } }] }],
      alertmanagers: [{ url: 'http://am:pw-4@am:9093', headers: { 'X-Scope-OrgID': 'tenant-5' } }],
    },
  };

  it('masks every secret() field and URL userinfo, leaving the rest as written', () => {
    const masked = maskBySchema(configSchema, doc) as typeof doc;
    assert.equal(masked.exporters.otlp.headers.authorization, '<secret>');
    assert.equal(masked.exporters.otlp.endpoint, 'http://collector:4318');
    assert.equal(masked.alerting.global.slack_api_url, '<secret>');
    assert.equal(masked.alerting.global.smtp_auth_password, '<secret>');
    assert.equal(masked.alerting.receivers[0].webhook_configs[0].url, '<secret>');
    assert.equal(masked.alerting.receivers[0].webhook_configs[0].http_config.basic_auth.password, '<secret>');
    assert.equal(masked.alerting.receivers[0].webhook_configs[0].http_config.basic_auth.username, 'u');
    assert.equal(masked.alerting.alertmanagers[0].url, 'http://<secret>@am:9093');
    assert.equal(masked.alerting.alertmanagers[0].headers['X-Scope-OrgID'], '<secret>');
    assert.equal(masked.alerting.route.receiver, 'r');
  });

  it('collects the secret values (userinfo and its password included)', () => {
    const found = collectSecrets(configSchema, doc);
    for (const s of ['Bearer tok-1', 'https://hooks.slack.com/services/T/B/X', 'pw-2', 'http://hook/x', 'pw-3', 'am:pw-4', 'pw-4', 'tenant-5']) {
      assert.ok(found.includes(s), s);
    }
    assert.ok(!found.includes('u') && !found.includes('r'));
  });

  it('marking is per schema instance: a shared base schema stays unmarked', () => {
    const base = z.string();
    const schema = z.object({ a: secret(base.optional()), b: base });
    assert.deepEqual(maskBySchema(schema, { a: 'x', b: 'y' }), { a: '<secret>', b: 'y' });
  });

  it('scrubs secrets, their JSON-escaped form and any URL userinfo from a line', () => {
    const scrubber = new SecretScrubber(['pa"ss\\word', 'tok-1']);
    const line = JSON.stringify({ msg: 'failed: invalid credentials pa"ss\\word and tok-1', url: 'https://u:p@x.example/y' });
    const out = scrubber.scrub(line);
    assert.doesNotMatch(out, /pa\\"ss|tok-1|u:p@/);
    assert.match(out, /https:\/\/<secret>@x\.example\/y/);
    assert.equal(maskUserinfo('see http://a@b/ and https://c:d@e:1/f'), 'see http://<secret>@b/ and https://<secret>@e:1/f');
  });
});
