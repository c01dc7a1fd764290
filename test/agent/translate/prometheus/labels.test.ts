import assert from 'node:assert/strict';
import { attributesToLabels, resourceLabels } from '../../../../agent/translate/prometheus/labels';

const s = (key: string, v: string) => ({ key, value: { stringValue: v } });

describe('translate/prometheus labels', () => {
  it('derives job and instance from service attributes, others go to target_info', () => {
    assert.deepEqual(resourceLabels({ attributes: [s('service.name', 'api'), s('service.namespace', 'shop'), s('service.instance.id', 'i-1')] }),
      { identity: { job: 'shop/api', instance: 'i-1' } });
    const r = resourceLabels({ attributes: [s('service.name', 'api'), s('k8s.pod.name', 'p'), s('job', 'spoof')] });
    assert.deepEqual(r.identity, { job: 'api' });
    assert.deepEqual(r.targetInfo, { __name__: 'target_info', job: 'api', k8s_pod_name: 'p' });
    assert.deepEqual(resourceLabels(undefined), { identity: {} });
  });

  it('sanitises keys, joins collisions with ";" in key order, renders non-strings', () => {
    assert.deepEqual(attributesToLabels([
      s('b.x', '2'), s('a.x', '1'), s('a_x', '0'), { key: 'n', value: { intValue: 42 } }, { key: 'ok', value: { boolValue: true } }, s('empty', ''),
    ]), { a_x: '1;0', b_x: '2', n: '42', ok: 'true' });
  });
});
