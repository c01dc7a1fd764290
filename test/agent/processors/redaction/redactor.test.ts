import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { KeyValue } from '../../../../agent/otlp/model';
import { Redactor } from '../../../../agent/processors/redaction/redactor';
import { redactionConfigSchema } from '../../../../agent/processors/redaction/config';
import { LEAKS, LOOKALIKES } from './corpus';

const redactor = (cfg: Record<string, unknown> = {}) => new Redactor(redactionConfigSchema.parse(cfg));

function asKeyValue(key: string, value: string | string[]): KeyValue {
  return {
    key,
    value: Array.isArray(value) ? { arrayValue: { values: value.map((v) => ({ stringValue: v })) } } : { stringValue: value },
  };
}

describe('redaction: Redactor', () => {
  describe('the leak corpus', () => {
    const r = redactor();
    for (const leak of LEAKS) {
      it(`${leak.where} ${leak.key ?? ''}: ${JSON.stringify(leak.value).slice(0, 70)}`, () => {
        const kv = asKeyValue(leak.key ?? 'message', leak.value);
        r.redactKeyValue(kv);
        const out = JSON.stringify(kv.value);
        for (const s of leak.secrets) assert.ok(!out.includes(JSON.stringify(s).slice(1, -1)), `${s} survived: ${out}`);
        assert.ok(out.includes('****'), 'masked, not dropped');
      });
    }
  });

  it('leaves every look-alike unchanged and counts nothing for them', () => {
    const r = redactor();
    for (const l of LOOKALIKES) {
      const kv = asKeyValue(l.key, l.value);
      r.redactKeyValue(kv);
      assert.equal(kv.value?.stringValue, l.value, l.key);
    }
    assert.equal([...r.counts.values()].reduce((a, b) => a + b, 0), 0);
  });

  it('returns the same string (no copy) when nothing matched, and skips short strings', () => {
    const r = redactor();
    const s = 'GET /api/v1/users/42 200';
    assert.equal(r.redactString(s), s);
    assert.equal(r.redactString('pwd=x'), 'pwd=x');
  });

  it('remembers clean values only: a repeated leak is redacted and counted every time', () => {
    const r = redactor();
    const clean = 'GET /api/orders/:id?page=2';
    for (let i = 0; i < 3; i++) assert.equal(r.redactString(clean), clean);
    for (let i = 0; i < 3; i++) assert.equal(r.redactString('login password=hunter2x'), 'login password=****');
    assert.equal(r.counts.get('secret_assignment'), 3);
  });

  it('keeps the text around a secret', () => {
    const r = redactor();
    assert.equal(r.redactString('postgres://u:pw123456@db/x?sslmode=require'), 'postgres://u:****@db/x?sslmode=require');
    assert.equal(r.redactString('a {"password":"x y z"} b'), 'a {"password":"****"} b');
    assert.equal(r.redactString("IDENTIFIED BY 'abc' ;"), "IDENTIFIED BY '****' ;");
    assert.equal(r.redactString('Authorization: Bearer abc123def456ghi'), 'Authorization: Bearer ****');
  });

  it('credit cards: Luhn-valid numbers only, with spaces or dashes', () => {
    const r = redactor();
    assert.equal(r.redactString('card 4111 1111 1111 1111 ok'), 'card **** ok');
    assert.equal(r.redactString('card 4111-1111-1111-1111 ok'), 'card **** ok');
    assert.equal(r.redactString('order 4111111111111112 ok'), 'order 4111111111111112 ok');
    // Inside a longer digit run it is not a card.
    assert.equal(r.redactString('id 94111111111111111119'), 'id 94111111111111111119');
  });

  it('action hash: HMAC-SHA256 with the salt, equal secrets give equal hashes', () => {
    const salt = 'a-long-enough-salt';
    const r = redactor({ action: 'hash', salt });
    const expected = `sha256:${createHmac('sha256', salt).update('hunter2x').digest('hex')}`;
    assert.equal(r.redactString('password=hunter2x'), `password=${expected}`);
    assert.equal(r.redactString('login password=hunter2x again'), `login password=${expected} again`);
  });

  it('blocked keys replace the whole value of any type; ignored keys are left alone', () => {
    const r = redactor({ ignored_keys: ['url.full'], blocked_keys: ['pin'] });
    const pin: KeyValue = { key: 'card.pin', value: { intValue: 1234 } };
    r.redactKeyValue(pin);
    assert.deepEqual(pin.value, { stringValue: '****' });
    const url = asKeyValue('url.full', 'https://a:b1234567@x/');
    r.redactKeyValue(url);
    assert.equal(url.value?.stringValue, 'https://a:b1234567@x/');
    // Replacing blocked_keys drops the defaults.
    const pw = asKeyValue('password', 'plain');
    r.redactKeyValue(pw);
    assert.equal(pw.value?.stringValue, 'plain');
  });

  it('default blocked keys match the last segment and its last _/- part, not look-alike keys', () => {
    const r = redactor();
    for (const key of ['password', 'http.request.header.authorization', 'env.DB_PASSWORD', 'oauth.refresh-token', 'X-Api-Key']) {
      assert.equal(r.keyRules.rule(key), 'block', key);
    }
    for (const key of ['gen_ai.usage.input_tokens', 'token_count', 'password_policy', 'http.route']) {
      assert.equal(r.keyRules.rule(key), 'scan', key);
    }
  });

  it('blocked_key_patterns (RE2) block matching keys', () => {
    const r = redactor({ blocked_key_patterns: ['^app\\.internal\\.'] });
    const kv = asKeyValue('app.internal.note', 'anything at all');
    r.redactKeyValue(kv);
    assert.equal(kv.value?.stringValue, '****');
  });

  it('blocked_values: extra RE2 patterns, named or not; group 1 only when there is one', () => {
    const r = redactor({ blocked_values: ['EMP-[0-9]{6}', { name: 'ssn', regex: 'ssn=([0-9]{3}-[0-9]{2}-[0-9]{4})' }] });
    assert.equal(r.redactString('employee EMP-123456 and EMP-654321'), 'employee **** and ****');
    assert.equal(r.redactString('user ssn=123-45-6789 ok'), 'user ssn=**** ok');
    assert.equal(r.counts.get('blocked_values[0]'), 2);
    assert.equal(r.counts.get('ssn'), 1);
  });

  it('builtin_patterns chooses which built-ins run', () => {
    const r = redactor({ builtin_patterns: ['jwt'] });
    assert.equal(r.redactString('password=hunter2x'), 'password=hunter2x');
    assert.deepEqual(r.patternNames(), ['jwt', 'blocked_key', 'truncated']);
  });

  it('walks log bodies: maps (with key rules) and arrays', () => {
    const r = redactor();
    const body = {
      kvlistValue: {
        values: [
          { key: 'password', value: { stringValue: 'p' } },
          { key: 'msg', value: { arrayValue: { values: [{ stringValue: 'token=abcdef12345' }] } } },
        ],
      },
    };
    r.redactAnyValue(body);
    assert.equal(body.kvlistValue.values[0].value.stringValue, '****');
    assert.equal(body.kvlistValue.values[1].value.arrayValue!.values[0].stringValue, 'token=****');
  });

  it('redacts alert label and annotation sets into a new object, the same object when clean', () => {
    const r = redactor();
    const clean = { alertname: 'HighErrorRate', job: 'api' };
    assert.equal(r.redactRecord(clean), clean);
    const dirty = { alertname: 'X', dsn: 'mysql://u:pw9999999@h/db', token: 't' };
    const out = r.redactRecord(dirty);
    assert.notEqual(out, dirty);
    assert.deepEqual(out, { alertname: 'X', dsn: 'mysql://u:****@h/db', token: '****' });
    assert.equal(dirty.dsn, 'mysql://u:pw9999999@h/db', 'the input is not changed');
  });
});
