/**
 * Which resource detectors run, and the Kubernetes Downward API detector.
 *
 * Defaults: container (id from cgroup), host, os, process, service instance
 * id, Kubernetes (from env) and env (OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES) last, so that explicit env settings win. Cloud
 * metadata detectors (aws/gcp/azure/alibaba) are off by default: they make
 * network calls at startup. OTEL_NODE_RESOURCE_DETECTORS, when set, selects
 * detectors exactly as in @opentelemetry/auto-instrumentations-node (the
 * Kubernetes detector is always added before env).
 */
import { getResourceDetectors as getResourceDetectorsFromEnv } from '@opentelemetry/auto-instrumentations-node';
import { containerDetector } from '@opentelemetry/resource-detector-container';
import {
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  serviceInstanceIdDetector,
  type DetectedResourceAttributes,
  type ResourceDetector,
} from '@opentelemetry/resources';

/** Downward API env var -> resource attribute (k8s.* semantic conventions). */
export const K8S_ENV_ATTRIBUTES: Readonly<Record<string, string>> = {
  K8S_POD_NAME: 'k8s.pod.name',
  K8S_POD_UID: 'k8s.pod.uid',
  K8S_NAMESPACE_NAME: 'k8s.namespace.name',
  K8S_NODE_NAME: 'k8s.node.name',
  K8S_CONTAINER_NAME: 'k8s.container.name',
};

export function k8sAttributesFromEnv(env: NodeJS.ProcessEnv): DetectedResourceAttributes {
  const attributes: DetectedResourceAttributes = {};
  for (const [variable, attribute] of Object.entries(K8S_ENV_ATTRIBUTES)) {
    const value = env[variable]?.trim();
    if (value) attributes[attribute] = value;
  }
  return attributes;
}

/** Named class so OTEL_LOG_LEVEL=debug output says which detector found what. */
class K8sDownwardApiDetector implements ResourceDetector {
  constructor(private readonly env: NodeJS.ProcessEnv) {}
  detect(): { attributes: DetectedResourceAttributes } {
    return { attributes: k8sAttributesFromEnv(this.env) };
  }
}

export function k8sDownwardApiDetector(env: NodeJS.ProcessEnv = process.env): ResourceDetector {
  return new K8sDownwardApiDetector(env);
}

/**
 * The detectors to run. OTEL_NODE_RESOURCE_DETECTORS is parsed by
 * auto-instrumentations-node, which reads process.env itself.
 */
export function selectResourceDetectors(): ResourceDetector[] {
  const k8s = k8sDownwardApiDetector(process.env);
  if (process.env.OTEL_NODE_RESOURCE_DETECTORS?.trim()) {
    const chosen = getResourceDetectorsFromEnv();
    const withoutEnv = chosen.filter((d) => d !== envDetector);
    // Keep env last (explicit settings win); k8s just before it.
    return chosen.includes(envDetector) ? [...withoutEnv, k8s, envDetector] : [...chosen, k8s];
  }
  return [containerDetector, hostDetector, osDetector, processDetector, serviceInstanceIdDetector, k8s, envDetector];
}
