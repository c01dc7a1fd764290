import assert from 'node:assert/strict';
import { contentCodingOf, encodingOfContentType, RequestError } from '../../../../agent/receivers/otlp/body';

describe('OTLP/HTTP body negotiation', () => {
  it('maps content types, ignoring parameters and case', () => {
    assert.equal(encodingOfContentType('application/x-protobuf'), 'proto');
    assert.equal(encodingOfContentType('application/json'), 'json');
    assert.equal(encodingOfContentType(' Application/JSON ; charset=utf-8'), 'json');
    assert.equal(encodingOfContentType('application/protobuf'), undefined);
    assert.equal(encodingOfContentType('application/jsonx'), undefined);
    assert.equal(encodingOfContentType(undefined), undefined);
  });

  it('accepts gzip, x-gzip, deflate and identity; refuses the rest with 415', () => {
    assert.equal(contentCodingOf(undefined), 'identity');
    assert.equal(contentCodingOf(''), 'identity');
    assert.equal(contentCodingOf('identity'), 'identity');
    assert.equal(contentCodingOf('GZip'), 'gzip');
    assert.equal(contentCodingOf('x-gzip'), 'gzip');
    assert.equal(contentCodingOf('gzip, identity'), 'gzip');
    assert.equal(contentCodingOf('deflate'), 'deflate');
    for (const bad of ['br', 'zstd', 'gzip, gzip', 'snappy']) {
      assert.throws(() => contentCodingOf(bad), (e: unknown) => e instanceof RequestError && e.status === 415 && e.message.includes('supported: gzip, deflate, identity'), bad);
    }
  });
});
