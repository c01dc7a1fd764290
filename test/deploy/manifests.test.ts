/**
 * The deployment files a user copies must agree with the agent: the
 * sidecar configs validate, the app is started with the preload from the
 * shared volume, and the ports line up.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { parseConfigText } from '../../agent/config/load';
import { repoRoot } from '../helpers/repo';

const read = (p: string) => readFileSync(path.join(repoRoot, p), 'utf8');

describe('deployment files', () => {
  it('deploy/lookout.yaml is a valid agent config', () => {
    const config = parseConfigText(read('deploy/lookout.yaml'), 'deploy/lookout.yaml', {});
    assert.equal(config.receivers.otlp.http?.endpoint, '0.0.0.0:4318');
    assert.equal(config.exporters.otlp?.endpoint, 'http://otel-collector:4318');
  });

  it('the Kubernetes ConfigMap holds a valid agent config', () => {
    const cm = parse(read('deploy/kubernetes/lookout-configmap.yaml')) as { data: Record<string, string> };
    const config = parseConfigText(cm.data['lookout.yaml'], 'configmap', {});
    assert.equal(config.admin.endpoint, '0.0.0.0:9464');
  });

  it('the Kubernetes Deployment injects the preload and sets the Downward API variables', () => {
    const docs = parseAllDocuments(read('deploy/kubernetes/demo-app.yaml')).map((d) => d.toJS());
    const deploy = docs.find((d) => d.kind === 'Deployment');
    const spec = deploy.spec.template.spec;
    const inject = spec.initContainers.find((c: { name: string }) => c.name === 'otel-inject');
    assert.deepEqual(inject.args, ['inject', '/otel']);
    const app = spec.containers.find((c: { name: string }) => c.name === 'app');
    const env = Object.fromEntries(app.env.map((e: { name: string; value?: string }) => [e.name, e.value ?? 'fieldRef']));
    assert.equal(env.NODE_OPTIONS, '--require /otel/register.js');
    for (const k of ['K8S_POD_NAME', 'K8S_NAMESPACE_NAME', 'K8S_NODE_NAME']) assert.ok(env[k], k);
    assert.ok(app.volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/otel'));
  });

  it('docker-compose wires the app to the sidecar and the sidecar to the gateway', () => {
    const compose = parse(read('docker-compose.yml')) as { services: Record<string, { environment?: Record<string, string>; command?: string[] }> };
    assert.equal(compose.services['demo-app'].environment?.NODE_OPTIONS, '--require /otel/register.js');
    assert.equal(compose.services['demo-app'].environment?.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://lookout:4318');
    assert.deepEqual(compose.services['otel-inject'].command, ['inject', '/otel']);
    const collector = parse(read('otel-collector.yaml')) as { receivers: { otlp: { protocols: { http: { endpoint: string } } } } };
    assert.equal(collector.receivers.otlp.protocols.http.endpoint, '0.0.0.0:4318');
  });
});
