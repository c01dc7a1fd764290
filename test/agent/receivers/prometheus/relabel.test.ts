/**
 * Relabeling cases with results taken from Prometheus 2.42's
 * model/relabel/relabel_test.go (the e2e scrape test also runs a relabel
 * config through the real Prometheus and compares).
 */
import assert from 'node:assert/strict';
import { Relabeler, relabelConfigSchema } from '../../../../agent/receivers/prometheus/relabel';

const run = (configs: unknown[], labels: Record<string, string>) => new Relabeler(configs.map((c) => relabelConfigSchema.parse(c))).apply(labels);

describe('receivers.prometheus relabeling', () => {
  it('replace: groups, named targets, no match leaves labels, empty result deletes', () => {
    assert.deepEqual(run([{ source_labels: ['a'], regex: 'f(.*)', target_label: 'd', separator: ';', replacement: 'ch${1}-ch${1}' }], { a: 'foo', b: 'bar', c: 'baz' }),
      { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo' });
    assert.deepEqual(run([{ source_labels: ['a', 'b'], regex: 'f(.*);(.*)r', target_label: 'a', replacement: 'b${1}${2}m' }], { a: 'foo', b: 'bar' }),
      { a: 'boobam', b: 'bar' });
    assert.deepEqual(run([{ source_labels: ['a'], regex: 'x(.*)', target_label: 'b' }], { a: 'foo' }), { a: 'foo' });
    assert.deepEqual(run([{ source_labels: ['a'], regex: '(b).*', target_label: 'x', replacement: '' }], { a: 'boo', x: 'y' }), { a: 'boo' });
    // Regexes are anchored: "o" does not match "foo".
    assert.deepEqual(run([{ source_labels: ['a'], regex: 'o', target_label: 'b', replacement: 'hit' }], { a: 'foo' }), { a: 'foo' });
    // A target expanding to an invalid name is left alone (Prometheus: "Invalid target").
    assert.deepEqual(run([{ source_labels: ['a'], regex: '(.*)', target_label: '${1}', replacement: 'x' }], { a: '1bad' }), { a: '1bad' });
    assert.deepEqual(run([{ source_labels: ['a'], regex: 'some-([^-]+)-(?P<name>[^,]+)', target_label: '${1}', replacement: '${name}' }], { a: 'some-foo-bar' }),
      { a: 'some-foo-bar', foo: 'bar' });
  });

  it('keep, drop, keepequal, dropequal', () => {
    assert.equal(run([{ source_labels: ['a'], regex: 'f.*', action: 'drop' }], { a: 'foo' }), undefined);
    assert.deepEqual(run([{ source_labels: ['a'], regex: 'f.*', action: 'keep' }], { a: 'foo' }), { a: 'foo' });
    assert.equal(run([{ source_labels: ['a'], regex: 'x.*', action: 'keep' }], { a: 'foo' }), undefined);
    assert.equal(run([{ source_labels: ['__tmp_port'], target_label: '__port1', action: 'keepequal' }], { __tmp_port: '1234', __port1: '5678' }), undefined);
    assert.deepEqual(run([{ source_labels: ['__tmp_port'], target_label: '__port1', action: 'dropequal' }], { __tmp_port: '1234', __port1: '5678' }), { __tmp_port: '1234', __port1: '5678' });
    assert.equal(run([{ source_labels: ['a'], target_label: 'b', action: 'dropequal' }], { a: 'x', b: 'x' }), undefined);
  });

  it('hashmod: MD5, the last 8 bytes big-endian, modulo', () => {
    // relabel_test.go: hashmod of c="baz" modulo 1000 is "976".
    assert.deepEqual(run([{ source_labels: ['c'], target_label: 'd', action: 'hashmod', modulus: 1000 }], { a: 'foo', b: 'bar', c: 'baz' }),
      { a: 'foo', b: 'bar', c: 'baz', d: '976' });
  });

  it('labelmap, labeldrop, labelkeep, lowercase, uppercase', () => {
    assert.deepEqual(run([{ regex: 'a', action: 'labelmap', replacement: 'foo' }], { a: 'foo', b: 'bar' }), { a: 'foo', b: 'bar', foo: 'foo' });
    assert.deepEqual(run([{ regex: '__meta_(my.*)', action: 'labelmap', replacement: '${1}' }], { __meta_my_bar: 'aaa', __meta_other: 'z', a: 'b' }),
      { __meta_my_bar: 'aaa', __meta_other: 'z', a: 'b', my_bar: 'aaa' });
    assert.deepEqual(run([{ regex: '(b.*)', action: 'labeldrop' }], { a: 'foo', b1: 'bar', b2: 'baz' }), { a: 'foo' });
    assert.deepEqual(run([{ regex: '(b.*)', action: 'labelkeep' }], { a: 'foo', b1: 'bar', b2: 'baz' }), { b1: 'bar', b2: 'baz' });
    assert.deepEqual(run([{ source_labels: ['foo'], target_label: 'foo_lc', action: 'lowercase' }, { source_labels: ['foo'], target_label: 'foo_uc', action: 'uppercase' }], { foo: 'bAr123Foo' }),
      { foo: 'bAr123Foo', foo_lc: 'bar123foo', foo_uc: 'BAR123FOO' });
  });

  it('rejects what Prometheus rejects', () => {
    assert.throws(() => relabelConfigSchema.parse({ action: 'labeldrop', regex: 'a', source_labels: ['x'] }), /labeldrop action requires only 'regex'/);
    assert.throws(() => relabelConfigSchema.parse({ action: 'keepequal', source_labels: ['x'] }), /requires 'target_label'/);
    assert.throws(() => relabelConfigSchema.parse({ regex: '(a+' }), /invalid regex/);
  });
});
