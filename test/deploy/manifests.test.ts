/**
 * The deployment files a user copies must agree with the agent and with
 * each other: every shipped agent config passes check-config, the
 * Kubernetes manifests (base and the example overlay, rendered with
 * kustomize semantics) pass the Kubernetes schema and the restricted Pod
 * Security Standard, the NetworkPolicy keeps the admin port to the app and
 * the scrapers, and the collector ConfigMap is otel-collector.yaml.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { parseConfigText } from '../../agent/config/load';
import { repoRoot } from '../helpers/repo';
import { renderKustomization, strategicMerge, type K8sObject } from './kustomize';

const read = (p: string) => readFileSync(path.join(repoRoot, p), 'utf8');

/** The kubernetes-models class for an object (ESM-only package: loaded with import()). */
async function modelFor(o: K8sObject): Promise<{ validate(): void }> {
  const group = o.apiVersion.includes('/') ? o.apiVersion : `v1`;
  const mod = await import(`kubernetes-models/${group}/${o.kind}`) as Record<string, new (x: unknown) => { validate(): void }>;
  return new mod[o.kind](o);
}

type Container = { name: string; image: string; imagePullPolicy?: string; securityContext?: Record<string, any>; resources?: { requests?: Record<string, string>; limits?: Record<string, string> }; ports?: { name: string; containerPort: number }[]; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[]; args?: string[]; env?: { name: string; value?: string }[] };
type PodSpec = { securityContext?: Record<string, any>; containers: Container[]; initContainers?: Container[]; volumes?: { name: string; emptyDir?: unknown; configMap?: unknown }[] };

const podSpecOf = (o: K8sObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;
const allContainers = (s: PodSpec) => [...(s.initContainers ?? []), ...s.containers];
const base = () => renderKustomization(path.join(repoRoot, 'deploy/kubernetes/base'));
const overlay = () => renderKustomization(path.join(repoRoot, 'deploy/kubernetes/overlays/example'));
const find = (objs: K8sObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name} rendered`);
  return o;
};
const lookoutConfigOf = (objs: K8sObject[]) => (find(objs, 'ConfigMap', 'lookout-config') as unknown as { data: Record<string, string> }).data['lookout.yaml'];

function checkConfigCli(text: string): { status: number | null; out: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-check-'));
  const file = path.join(dir, 'lookout.yaml');
  writeFileSync(file, text);
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(repoRoot, 'agent/cli/main.ts'), 'check-config', file], { cwd: repoRoot, encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('deployment files', function () {
  this.timeout(60_000);

  describe('agent configs', () => {
    it('deploy/lookout.yaml (compose, and the image\'s default) is valid: OTLP gRPC + HTTP on all interfaces, alerts routed to the catchers', () => {
      const config = parseConfigText(read('deploy/lookout.yaml'), 'deploy/lookout.yaml', {});
      assert.equal(config.receivers.otlp.http?.endpoint, '0.0.0.0:4318');
      assert.equal(config.receivers.otlp.grpc?.endpoint, '0.0.0.0:4317');
      assert.equal(config.exporters.otlp?.endpoint, 'http://otel-collector:4318');
      assert.equal(config.storage.dir, '/var/lib/lookout');
      const receiver = config.alerting.receivers.find((r) => r.name === config.alerting.route?.receiver);
      assert.ok(receiver, 'the root route has a receiver');
      assert.equal(receiver.webhook_configs[0].url, 'http://webhook-echo:8080/alerts');
      assert.equal(receiver.email_configs[0].smarthost, 'mailpit:1025');
    });

    it('check-config accepts every shipped agent config (compose file, Kubernetes ConfigMap of base and overlay)', () => {
      const configs = { 'deploy/lookout.yaml': read('deploy/lookout.yaml'), 'base ConfigMap': lookoutConfigOf(base()), 'overlay ConfigMap': lookoutConfigOf(overlay()) };
      for (const [name, text] of Object.entries(configs)) {
        const r = checkConfigCli(text);
        assert.equal(r.status, 0, `${name}: ${r.out}`);
      }
      // The check can fail: a typo is refused.
      assert.notEqual(checkConfigCli(read('deploy/lookout.yaml').replace('storage:', 'storrage:')).status, 0);
    });
  });

  describe('Kubernetes (kustomize base + example overlay)', () => {
    for (const [name, render] of [['base', base], ['overlays/example', overlay]] as const) {
      it(`${name}: every object passes the Kubernetes schema (kubernetes-models)`, async () => {
        const objs = render();
        assert.ok(objs.length >= 8, `rendered ${objs.length} objects`);
        for (const o of objs) {
          const model = await modelFor(o);
          assert.doesNotThrow(() => model.validate(), `${o.kind}/${o.metadata.name}`);
        }
        // The validation can fail.
        const bad = structuredClone(find(objs, 'Deployment', 'demo-app'));
        podSpecOf(bad).containers[0].imagePullPolicy = 'Sometimes';
        await assert.rejects(async () => (await modelFor(bad)).validate(), /imagePullPolicy/);
      });

      it(`${name}: every pod meets the restricted Pod Security Standard`, () => {
        for (const o of render().filter((x) => x.kind === 'Deployment')) {
          const spec = podSpecOf(o);
          const pod = spec.securityContext ?? {};
          assert.equal(pod.runAsNonRoot, true, `${o.metadata.name}: runAsNonRoot`);
          assert.ok(pod.runAsUser > 0, `${o.metadata.name}: runAsUser not root`);
          assert.equal(pod.seccompProfile?.type, 'RuntimeDefault', `${o.metadata.name}: seccomp`);
          const writable = new Set((spec.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
          for (const c of allContainers(spec)) {
            const sc = c.securityContext ?? {};
            const what = `${o.metadata.name}/${c.name}`;
            assert.equal(sc.allowPrivilegeEscalation, false, `${what}: allowPrivilegeEscalation`);
            assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${what}: capabilities`);
            assert.equal(sc.capabilities?.add, undefined, `${what}: no added capabilities`);
            assert.notEqual(sc.privileged, true, `${what}: privileged`);
            assert.equal(sc.readOnlyRootFilesystem, true, `${what}: read-only root`);
            assert.notEqual(sc.runAsUser, 0, `${what}: root`);
            // Writable mounts only on emptyDirs (the state dir, /otel, /tmp); config mounts read-only.
            for (const m of c.volumeMounts ?? []) if (!m.readOnly) assert.ok(writable.has(m.name), `${what}: ${m.mountPath} is writable but not an emptyDir`);
            assert.equal(c.imagePullPolicy, 'IfNotPresent', `${what}: imagePullPolicy`);
            assert.doesNotMatch(c.image, /:latest$|^[^:]+$/, `${what}: image pinned by tag`);
            assert.ok(c.resources?.requests?.memory && c.resources?.limits?.memory, `${what}: memory request and limit`);
          }
        }
      });
    }

    it('the sidecar: storage on an emptyDir writable through fsGroup, requests above the measured idle RSS', () => {
      const spec = podSpecOf(find(base(), 'Deployment', 'demo-app'));
      const lookout = spec.initContainers!.find((c) => c.name === 'lookout')!;
      assert.deepEqual(lookout.args, ['run', '--config', '/etc/lookout/lookout.yaml']);
      const data = lookout.volumeMounts!.find((m) => m.mountPath === '/var/lib/lookout')!;
      assert.ok(spec.volumes!.find((v) => v.name === data.name)?.emptyDir);
      assert.equal(spec.securityContext!.fsGroup, spec.securityContext!.runAsGroup);
      const mi = (q: string) => Number(/^(\d+)Mi$/.exec(q)![1]);
      // Measured (README, "Kubernetes"): 106 MiB RSS idle, 130 MiB peak under demo load; the request covers the peak.
      assert.ok(mi(lookout.resources!.requests!.memory) >= 131, lookout.resources!.requests!.memory);
      assert.ok(mi(lookout.resources!.limits!.memory) >= 2 * mi(lookout.resources!.requests!.memory));
    });

    it('V8 is sized to each sidecar container: old generation + young generation + ~64 MiB of code and buffers under the limit', () => {
      const imageOptions = /^ENV NODE_OPTIONS="([^"]*)"/m.exec(read('deploy/Dockerfile'))?.[1] ?? '';
      const mi = (q: string) => Number(/^(\d+)Mi$/.exec(q)![1]);
      const flag = (opts: string, name: string) => Number(new RegExp(`--${name}=(\\d+)`).exec(opts)?.[1] ?? NaN);
      for (const [what, objs] of [['base', base()], ['example overlay', overlay()]] as const) {
        const lookout = podSpecOf(find(objs, 'Deployment', 'demo-app')).initContainers!.find((c) => c.name === 'lookout')!;
        // The image's NODE_OPTIONS apply unless the container sets its own.
        const opts = lookout.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? imageOptions;
        const oldSpace = flag(opts, 'max-old-space-size');
        const semiSpace = flag(opts, 'max-semi-space-size');
        assert.ok(oldSpace > 0 && semiSpace > 0, `${what}: NODE_OPTIONS "${opts}" sets both heap sizes`);
        assert.ok(oldSpace + 3 * semiSpace + 64 <= mi(lookout.resources!.limits!.memory), `${what}: "${opts}" fits ${lookout.resources!.limits!.memory}`);
      }
    });

    it('the Deployment injects the preload and sets the Downward API variables', () => {
      const spec = podSpecOf(find(base(), 'Deployment', 'demo-app'));
      const inject = spec.initContainers!.find((c) => c.name === 'otel-inject')!;
      assert.deepEqual(inject.args, ['inject', '/otel']);
      const app = spec.containers.find((c) => c.name === 'app')!;
      const env = Object.fromEntries(app.env!.map((e) => [e.name, e.value ?? 'fieldRef']));
      assert.equal(env.NODE_OPTIONS, '--require /otel/register.js');
      for (const k of ['K8S_POD_NAME', 'K8S_NAMESPACE_NAME', 'K8S_NODE_NAME']) assert.ok(env[k], k);
      assert.ok(app.volumeMounts!.some((m) => m.mountPath === '/otel'));
    });

    it('a Service exposes the sidecar\'s OTLP (gRPC, HTTP) and admin ports', () => {
      const svc = find(base(), 'Service', 'demo-app-lookout') as unknown as { spec: { ports: { port: number; targetPort: string }[] } };
      assert.deepEqual(svc.spec.ports.map((p) => [p.port, p.targetPort]), [[4317, 'otlp-grpc'], [4318, 'otlp-http'], [9464, 'admin']]);
      const ports = podSpecOf(find(base(), 'Deployment', 'demo-app')).initContainers!.find((c) => c.name === 'lookout')!.ports!;
      for (const p of svc.spec.ports) assert.ok(ports.some((c) => c.name === p.targetPort), p.targetPort);
      const cfg = parseConfigText(lookoutConfigOf(base()), 'configmap', {});
      assert.equal(cfg.receivers.otlp.grpc?.endpoint, '0.0.0.0:4317');
      assert.equal(cfg.admin.endpoint, '0.0.0.0:9464');
    });

    it('the NetworkPolicy lets only the app\'s pods and the scrapers reach the admin port', () => {
      type Rule = { from?: { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: { matchLabels?: Record<string, string> } }[]; ports?: { port: number }[] };
      const np = find(base(), 'NetworkPolicy', 'demo-app') as unknown as { spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: Rule[] } };
      assert.deepEqual(np.spec.policyTypes, ['Ingress']);
      const podLabels = (find(base(), 'Deployment', 'demo-app').spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
      for (const [k, v] of Object.entries(np.spec.podSelector.matchLabels)) assert.equal(podLabels[k], v, 'the policy selects the demo pods');
      const admitting = np.spec.ingress.filter((r) => !r.ports || r.ports.some((p) => p.port === 9464));
      assert.ok(admitting.length > 0);
      const sources: string[] = [];
      for (const rule of admitting) {
        assert.ok(rule.from && rule.from.length > 0, 'no rule opens 9464 to every source');
        for (const f of rule.from) {
          assert.ok(f.podSelector?.matchLabels && Object.keys(f.podSelector.matchLabels).length > 0, 'every source is a labelled pod set');
          sources.push(JSON.stringify([f.namespaceSelector?.matchLabels ?? 'same namespace', f.podSelector.matchLabels]));
        }
      }
      assert.deepEqual(sources.sort(), [
        JSON.stringify(['same namespace', { 'app.kubernetes.io/name': 'demo-app' }]),
        JSON.stringify([{ 'kubernetes.io/metadata.name': 'monitoring' }, { 'app.kubernetes.io/name': 'prometheus' }]),
      ].sort());
      // The open rule covers the app's HTTP port only.
      const open = np.spec.ingress.filter((r) => !r.from);
      assert.deepEqual(open.flatMap((r) => r.ports!.map((p) => p.port)), [8000]);
      // The collector accepts OTLP only from pods labelled as sidecars, which the demo pods are.
      const cnp = find(base(), 'NetworkPolicy', 'otel-collector') as unknown as { spec: { ingress: Rule[] } };
      const otlp = cnp.spec.ingress.find((r) => r.ports!.some((p) => p.port === 4318))!;
      for (const [k, v] of Object.entries(otlp.from![0].podSelector!.matchLabels!)) assert.equal(podLabels[k], v);
    });

    it('the collector Deployment + Service + ConfigMap match otel-collector.yaml', () => {
      const objs = base();
      const cm = find(objs, 'ConfigMap', 'otel-collector-config') as unknown as { data: Record<string, string> };
      assert.deepEqual(parse(cm.data['config.yaml']), parse(read('otel-collector.yaml')));
      const spec = podSpecOf(find(objs, 'Deployment', 'otel-collector'));
      assert.deepEqual(spec.containers[0].args, ['--config=/etc/otelcol/config.yaml']);
      const svc = find(objs, 'Service', 'otel-collector') as unknown as { spec: { ports: { port: number }[] } };
      const collector = parse(read('otel-collector.yaml')) as { receivers: { otlp: { protocols: Record<string, { endpoint: string }> } } };
      for (const proto of ['grpc', 'http']) {
        const port = Number(collector.receivers.otlp.protocols[proto].endpoint.split(':')[1]);
        assert.ok(svc.spec.ports.some((p) => p.port === port), `${proto} port ${port} on the Service`);
      }
      // The sidecar forwards to that Service.
      const cfg = parseConfigText(lookoutConfigOf(objs), 'configmap', {});
      assert.equal(cfg.exporters.otlp?.endpoint, 'http://otel-collector:4318');
    });

    it('the example overlay sets its namespace, the registry image and patches only what it names', () => {
      const objs = overlay();
      for (const o of objs) if (o.kind !== 'Namespace') assert.equal(o.metadata.namespace, 'lookout-demo', `${o.kind}/${o.metadata.name}`);
      const ns = find(objs, 'Namespace', 'lookout-demo');
      assert.equal(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
      const spec = podSpecOf(find(objs, 'Deployment', 'demo-app'));
      for (const c of allContainers(spec)) assert.equal(c.image, 'registry.example.com/lookout:0.1.0', c.name);
      const lookout = spec.initContainers!.find((c) => c.name === 'lookout')!;
      assert.equal(lookout.resources!.limits!.memory, '512Mi');
      assert.ok(lookout.resources!.requests!.memory, 'the patch merged: the request is still there');
      assert.ok(lookout.securityContext!.readOnlyRootFilesystem, 'and the security context');
      assert.equal(podSpecOf(find(objs, 'Deployment', 'otel-collector')).containers[0].image, 'otel/opentelemetry-collector-contrib:0.114.0');
    });

    it('strategic merge: named lists merge by name, other lists and scalars are replaced', () => {
      assert.deepEqual(strategicMerge({ a: [{ name: 'x', v: 1, w: 2 }, { name: 'y' }], b: [1, 2], c: 1 }, { a: [{ name: 'x', v: 3 }], b: [3] }),
        { a: [{ name: 'x', v: 3, w: 2 }, { name: 'y' }], b: [3], c: 1 });
    });
  });
});
