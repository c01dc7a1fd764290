import assert from 'node:assert/strict';
import Long from 'long';
import { encodeProtoRequest, decodeProtoRequest } from '../../../agent/otlp/codec';
import { severityNumberFor, transitionsToLogs } from '../../../agent/rules/transitions';

describe('alert transitions as OTel logs', () => {
  const alert = {
    labels: { alertname: 'HighErrorRate', service_name: 'shop', severity: 'critical', state: 'x' },
    annotations: { summary: 'shop fails' }, value: 0.09, state: 'firing' as const, activeAt: 1_700_000_000_000,
  };

  it('builds one record per transition with body, severity and attributes', () => {
    const req = transitionsToLogs([
      { rule: 'HighErrorRate', to: 'firing', at: 1_700_000_060_000, alert },
      { rule: 'HighErrorRate', to: 'resolved', at: 1_700_000_120_000, alert: { ...alert, state: 'inactive' } },
    ], 1_700_000_120_500);
    const rl = req.resourceLogs[0];
    assert.deepEqual(rl.resource?.attributes, [{ key: 'service.name', value: { stringValue: 'lookout' } }]);
    const [fire, res] = rl.scopeLogs[0].logRecords;
    assert.equal(fire.body?.stringValue, 'alert HighErrorRate firing');
    assert.equal(fire.severityText, 'critical');
    assert.equal(fire.severityNumber, 18);
    assert.ok(Long.fromValue(fire.timeUnixNano as Long).equals(Long.fromString('1700000060000000000')));
    const attrs = Object.fromEntries((fire.attributes ?? []).map((a) => [a.key, a.value?.stringValue ?? a.value?.doubleValue]));
    assert.deepEqual(attrs, {
      alertname: 'HighErrorRate', state: 'firing', service_name: 'shop', severity: 'critical', 'label.state': 'x',
      'annotation.summary': 'shop fails', active_at: '2023-11-14T22:13:20Z', value: 0.09,
    });
    assert.equal(res.body?.stringValue, 'alert HighErrorRate resolved');
    assert.equal(res.severityNumber, 9);
  });

  it('encodes as a valid OTLP request', () => {
    const req = transitionsToLogs([{ rule: 'A', to: 'firing', at: 1000, alert }], 2000);
    const back = decodeProtoRequest('logs', encodeProtoRequest('logs', req));
    assert.equal(back.resourceLogs[0].scopeLogs[0].logRecords[0].body?.stringValue, 'alert A firing');
  });

  it('maps severity labels onto OTel severity numbers', () => {
    assert.equal(severityNumberFor('warning'), 13);
    assert.equal(severityNumberFor('info'), 9);
    assert.equal(severityNumberFor('page'), 18);
    assert.equal(severityNumberFor(undefined), 13);
  });
});
