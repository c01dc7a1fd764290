import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { KeyValue } from '../../../../agent/otlp/model';
import { compileActions } from '../../../../agent/processors/attributes/actions';
import { attributesConfigSchema } from '../../../../agent/processors/attributes/config';

const s = (v: string) => ({ stringValue: v });
const attrs = (): KeyValue[] => [
  { key: 'http.method', value: s('GET') },
  { key: 'user.email', value: s('jane@example.com') },
  { key: 'http.target', value: s('/api/v2/users/42') },
  { key: 'retries', value: s('3') },
  { key: 'tmp.a', value: s('x') },
  { key: 'tmp.b', value: s('y') },
];
const run = (...actions: Record<string, unknown>[]) => compileActions(attributesConfigSchema.parse({ actions }).actions)(attrs());
const get = (list: KeyValue[], key: string) => list.find((kv) => kv.key === key)?.value;

describe('attributes: actions', () => {
  it('insert adds a missing key and never overwrites', () => {
    const out = run({ key: 'env', value: 'prod', action: 'insert' }, { key: 'http.method', value: 'POST', action: 'insert' });
    assert.deepEqual(get(out, 'env'), s('prod'));
    assert.deepEqual(get(out, 'http.method'), s('GET'));
  });

  it('update changes an existing key and never adds', () => {
    const out = run({ key: 'http.method', value: 'POST', action: 'update' }, { key: 'absent', value: 1, action: 'update' });
    assert.deepEqual(get(out, 'http.method'), s('POST'));
    assert.equal(get(out, 'absent'), undefined);
  });

  it('upsert does both; numbers and booleans keep their type', () => {
    const out = run({ key: 'http.method', value: 'PUT', action: 'upsert' }, { key: 'sampled', value: true, action: 'upsert' },
      { key: 'ratio', value: 0.5, action: 'upsert' }, { key: 'shard', value: 7, action: 'upsert' });
    assert.deepEqual(get(out, 'http.method'), s('PUT'));
    assert.deepEqual(get(out, 'sampled'), { boolValue: true });
    assert.deepEqual(get(out, 'ratio'), { doubleValue: 0.5 });
    assert.deepEqual(get(out, 'shard'), { intValue: 7 });
  });

  it('from_attribute copies another attribute (nothing when it is absent)', () => {
    const out = run({ key: 'method', from_attribute: 'http.method', action: 'insert' }, { key: 'x', from_attribute: 'nope', action: 'upsert' });
    assert.deepEqual(get(out, 'method'), s('GET'));
    assert.equal(get(out, 'x'), undefined);
  });

  it('delete by key and by pattern', () => {
    const out = run({ key: 'user.email', action: 'delete' }, { pattern: '^tmp\\.', action: 'delete' });
    assert.deepEqual(out.map((kv) => kv.key), ['http.method', 'http.target', 'retries']);
  });

  it('hash: SHA-256 hex of the value, by key or pattern', () => {
    const out = run({ key: 'user.email', action: 'hash' }, { pattern: '^tmp\\.b$', action: 'hash' });
    assert.deepEqual(get(out, 'user.email'), s(createHash('sha256').update('jane@example.com').digest('hex')));
    assert.deepEqual(get(out, 'tmp.b'), s(createHash('sha256').update('y').digest('hex')));
    assert.deepEqual(get(out, 'tmp.a'), s('x'));
  });

  it('extract: named groups become attributes (upserted); no match changes nothing', () => {
    const out = run({ key: 'http.target', pattern: '^/api/(?P<api_version>v[0-9]+)/(?P<resource>[a-z]+)/', action: 'extract' });
    assert.deepEqual(get(out, 'api_version'), s('v2'));
    assert.deepEqual(get(out, 'resource'), s('users'));
    const none = run({ key: 'http.method', pattern: '^(?P<x>POST)$', action: 'extract' });
    assert.equal(get(none, 'x'), undefined);
  });

  it('convert: string to int/double, int to string; a non-number stays as it was', () => {
    const out = run({ key: 'retries', action: 'convert', converted_type: 'int' }, { key: 'http.method', action: 'convert', converted_type: 'double' });
    assert.deepEqual(get(out, 'retries'), { intValue: 3 });
    assert.deepEqual(get(out, 'http.method'), s('GET'));
    const back = compileActions(attributesConfigSchema.parse({ actions: [{ key: 'n', action: 'convert', converted_type: 'string' }] }).actions)([{ key: 'n', value: { intValue: 5 } }]);
    assert.deepEqual(back[0].value, s('5'));
  });

  it('actions run in order', () => {
    const out = run({ key: 'a', value: '1', action: 'insert' }, { key: 'b', from_attribute: 'a', action: 'insert' }, { key: 'a', action: 'delete' });
    assert.equal(get(out, 'a'), undefined);
    assert.deepEqual(get(out, 'b'), s('1'));
  });
});
