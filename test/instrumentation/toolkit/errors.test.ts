import assert from 'node:assert/strict';
import {
  ConfigurationError, DeploymentError, LookoutError, MonitoringError, ServiceUnavailableError, errorMessage, errorType,
} from '../../../instrumentation/toolkit/errors';

describe('toolkit errors', () => {
  it('toJSON gives error_type, message, details and an ISO timestamp (seed: to_dict)', () => {
    const before = Date.now();
    const err = new ServiceUnavailableError('Service at http://x timed out', { timeout: 30, service_url: 'http://x' });
    const json = err.toJSON();
    assert.deepEqual(Object.keys(json), ['error_type', 'message', 'details', 'timestamp']);
    assert.equal(json.error_type, 'ServiceUnavailableError');
    assert.equal(json.message, 'Service at http://x timed out');
    assert.deepEqual(json.details, { timeout: 30, service_url: 'http://x' });
    assert.match(json.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Date.parse(json.timestamp) >= before && Date.parse(json.timestamp) <= Date.now());
    assert.deepEqual(JSON.parse(JSON.stringify(err)), json, 'JSON.stringify uses toJSON');
  });

  it('has one class per failure kind, all LookoutErrors, with their own error_type', () => {
    const cases: [LookoutError, string][] = [
      [new LookoutError('x'), 'LookoutError'],
      [new ServiceUnavailableError('x'), 'ServiceUnavailableError'],
      [new ConfigurationError('x'), 'ConfigurationError'],
      [new DeploymentError('x'), 'DeploymentError'],
      [new MonitoringError('x'), 'MonitoringError'],
    ];
    for (const [err, type] of cases) {
      assert.ok(err instanceof LookoutError && err instanceof Error);
      assert.equal(err.toJSON().error_type, type);
      assert.equal(err.name, type);
      assert.deepEqual(err.details, {});
      assert.match(String(err.stack), new RegExp(`^${type}: x`));
    }
    assert.ok(!(new ConfigurationError('x') instanceof ServiceUnavailableError));
  });

  it('keeps the cause', () => {
    const cause = new TypeError('low level');
    assert.equal(new DeploymentError('deploy failed', {}, { cause }).cause, cause);
  });

  it('errorMessage / errorType work on anything thrown', () => {
    assert.equal(errorMessage(new Error('m')), 'm');
    assert.equal(errorMessage('plain'), 'plain');
    assert.equal(errorType(new RangeError('r')), 'RangeError');
    assert.equal(errorType(new ConfigurationError('c')), 'ConfigurationError');
    assert.equal(errorType(42), 'number');
  });
});
