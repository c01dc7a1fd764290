import assert from 'node:assert/strict';
import { envDetector, hostDetector } from '@opentelemetry/resources';
import { k8sAttributesFromEnv, k8sDownwardApiDetector, selectResourceDetectors } from '../../../instrumentation/preload/resource';

/** auto-instrumentations-node parses OTEL_NODE_RESOURCE_DETECTORS from process.env itself. */
function withDetectorsEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.OTEL_NODE_RESOURCE_DETECTORS;
  if (value === undefined) delete process.env.OTEL_NODE_RESOURCE_DETECTORS;
  else process.env.OTEL_NODE_RESOURCE_DETECTORS = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.OTEL_NODE_RESOURCE_DETECTORS;
    else process.env.OTEL_NODE_RESOURCE_DETECTORS = saved;
  }
}

describe('preload resource detection', () => {
  it('maps Downward API env vars to k8s.* attributes, skipping unset and blank ones', () => {
    assert.deepEqual(
      k8sAttributesFromEnv({ K8S_POD_NAME: 'web-1', K8S_NAMESPACE_NAME: 'shop', K8S_NODE_NAME: ' ', K8S_POD_UID: 'u-1', OTHER: 'x' }),
      { 'k8s.pod.name': 'web-1', 'k8s.namespace.name': 'shop', 'k8s.pod.uid': 'u-1' },
    );
    assert.deepEqual(k8sDownwardApiDetector({ K8S_CONTAINER_NAME: 'app' }).detect(), { attributes: { 'k8s.container.name': 'app' } });
  });

  it('runs env last by default, so OTEL_RESOURCE_ATTRIBUTES overrides detected values; no cloud detectors', () => {
    const detectors = withDetectorsEnv(undefined, () => selectResourceDetectors());
    assert.equal(detectors.length, 7);
    assert.equal(detectors.at(-1), envDetector);
    assert.ok(detectors.includes(hostDetector));
  });

  it('honours OTEL_NODE_RESOURCE_DETECTORS and still adds the Kubernetes detector before env', () => {
    const detectors = withDetectorsEnv('env,host', () => selectResourceDetectors());
    assert.equal(detectors.length, 3);
    assert.equal(detectors[0], hostDetector);
    assert.equal(detectors[2], envDetector);
    assert.deepEqual(detectors[1].detect(), { attributes: {} });
  });
});
