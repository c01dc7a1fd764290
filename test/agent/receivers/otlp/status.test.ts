import assert from 'node:assert/strict';
import { PermanentError, RetryableError } from '../../../../agent/component/component';
import { classifyConsumerError, grpcCodeForHttpStatus } from '../../../../agent/receivers/otlp/status';
import { decodeRetryInfo, encodeRetryInfo } from '../../../../agent/receivers/otlp/retry-info';

describe('receiver status mapping', () => {
  it('RetryableError -> 503/UNAVAILABLE with Retry-After (default 1 s, rounded up)', () => {
    assert.deepEqual(classifyConsumerError(new RetryableError('full')), { httpStatus: 503, grpcCode: 14, message: 'data not accepted now, retry later: full', retryAfterSeconds: 1, unexpected: false });
    assert.equal(classifyConsumerError(new RetryableError('full', 2.2)).retryAfterSeconds, 3);
    assert.equal(classifyConsumerError(new RetryableError('full', -1)).retryAfterSeconds, 1);
  });

  it('PermanentError -> 400/INVALID_ARGUMENT; anything else -> 503/UNAVAILABLE, flagged unexpected', () => {
    const p = classifyConsumerError(new PermanentError('bad'));
    assert.equal(p.httpStatus, 400);
    assert.equal(p.grpcCode, 3);
    assert.equal(p.retryAfterSeconds, undefined);
    const o = classifyConsumerError('a string was thrown');
    assert.equal(o.httpStatus, 503);
    assert.equal(o.unexpected, true);
    assert.equal(o.retryAfterSeconds, undefined);
    assert.match(o.message, /a string was thrown/);
  });

  it('HTTP statuses map to google.rpc codes for Status bodies', () => {
    assert.deepEqual([400, 404, 405, 413, 415, 429, 500, 503].map(grpcCodeForHttpStatus), [3, 12, 12, 3, 3, 8, 13, 14]);
  });

  it('RetryInfo round-trips whole and fractional delays', () => {
    assert.equal(decodeRetryInfo(encodeRetryInfo(5)), 5);
    assert.equal(decodeRetryInfo(encodeRetryInfo(1.5)), 1.5);
    assert.equal(decodeRetryInfo(encodeRetryInfo(0)), 0);
  });
});
