/**
 * `docker compose up` must work on the first try. No container engine runs
 * here, so the files are checked statically against each other: the image
 * (deploy/Dockerfile, read for its user, the directories it creates and
 * owns, its ports), docker-compose.yml (services, restart policies,
 * healthchecks, depends_on conditions, volumes owned as the image expects,
 * the admin port on loopback), Prometheus' scrape config, the collector's
 * configuration (component names and keys), Jaeger's Monitor tab and
 * Grafana's data sources.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseConfigText } from '../../agent/config/load';
import { repoRoot } from '../helpers/repo';
import { readDockerfile } from './dockerfile';

const read = (p: string) => readFileSync(path.join(repoRoot, p), 'utf8');

interface Service {
  image?: string; build?: unknown; command?: string[]; entrypoint?: string[]; user?: string; profiles?: string[];
  environment?: Record<string, string>; ports?: string[]; volumes?: string[]; restart?: string;
  healthcheck?: { test: string[] }; depends_on?: Record<string, { condition: string }>;
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const docker = readDockerfile();
/** Services that run the Lookout image (built from deploy/Dockerfile). */
const lookoutImage = Object.entries(services).filter(([, s]) => s.build !== undefined).map(([n]) => n);

type Tree = Record<string, any>;
/** The Collector's config merge (confmap): maps merge key by key, anything else is replaced. */
function mergeConfig(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' && !Array.isArray(a[k]) ? mergeConfig(a[k], v) : v;
  }
  return out;
}

/**
 * The components otel-collector.yaml may use in otel/opentelemetry-collector-contrib 0.114.0, with the
 * keys we set (a subset of each component's config, from its README at that version). A typo in a
 * component name or key would make the collector refuse to start.
 */
const COMPONENT_KEYS: Record<string, Record<string, string[]>> = {
  receivers: { otlp: ['protocols', 'protocols.grpc', 'protocols.http', 'protocols.grpc.endpoint', 'protocols.http.endpoint'] },
  processors: {
    batch: ['timeout', 'send_batch_size', 'send_batch_max_size'],
    memory_limiter: ['check_interval', 'limit_mib', 'spike_limit_mib', 'limit_percentage', 'spike_limit_percentage'],
  },
  exporters: {
    otlp: ['endpoint', 'tls', 'tls.insecure', 'compression', 'headers'],
    otlphttp: ['endpoint', 'tls', 'tls.insecure', 'compression', 'headers'],
    debug: ['verbosity', 'sampling_initial', 'sampling_thereafter'],
    elasticsearch: ['endpoints', 'logs_index', 'traces_index', 'mapping', 'mapping.mode'],
  },
  extensions: { health_check: ['endpoint', 'path'] },
};
const SERVICE_KEYS = ['extensions', 'pipelines', 'telemetry', 'telemetry.metrics', 'telemetry.metrics.address', 'telemetry.logs', 'telemetry.logs.level'];

function keyPaths(v: unknown, prefix = ''): string[] {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
  return Object.entries(v).flatMap(([k, x]) => [prefix + k, ...keyPaths(x, `${prefix}${k}.`)]);
}

function collectorProblems(cfg: Tree): string[] {
  const problems: string[] = [];
  for (const [section, known] of Object.entries(COMPONENT_KEYS)) {
    for (const [id, body] of Object.entries((cfg[section] ?? {}) as Tree)) {
      const type = id.split('/')[0];
      if (!known[type]) { problems.push(`${section}.${id}: unknown component type ${type}`); continue; }
      for (const k of keyPaths(body)) if (!known[type].includes(k)) problems.push(`${section}.${id}.${k}: unknown key`);
    }
  }
  for (const k of keyPaths(cfg.service).filter((k) => !k.startsWith('pipelines.'))) if (!SERVICE_KEYS.includes(k)) problems.push(`service.${k}: unknown key`);
  for (const ext of cfg.service?.extensions ?? []) if (!cfg.extensions?.[ext]) problems.push(`service.extensions: ${ext} is not defined`);
  const used = new Set<string>();
  for (const [name, p] of Object.entries((cfg.service?.pipelines ?? {}) as Tree)) {
    if (!['traces', 'metrics', 'logs'].includes(name.split('/')[0])) problems.push(`service.pipelines.${name}: unknown signal`);
    for (const section of ['receivers', 'processors', 'exporters']) {
      for (const id of (p[section] ?? []) as string[]) {
        used.add(`${section}.${id}`);
        if (!cfg[section]?.[id]) problems.push(`service.pipelines.${name}.${section}: ${id} is not defined`);
      }
    }
    if (!p.receivers?.length || !p.exporters?.length) problems.push(`service.pipelines.${name}: needs receivers and exporters`);
  }
  for (const section of ['receivers', 'processors', 'exporters']) {
    for (const id of Object.keys(cfg[section] ?? {})) if (!used.has(`${section}.${id}`)) problems.push(`${section}.${id}: defined but in no pipeline`);
  }
  return problems;
}

const collectorBase = parse(read('otel-collector.yaml')) as Tree;
const collectorWith = (logs: string) => mergeConfig(collectorBase, parse(read(`deploy/otel-collector/logs-${logs}.yaml`)) as Tree);
const hostPort = (url: string) => { const u = new URL(url); return { host: u.hostname, port: Number(u.port) }; };

describe('docker compose stack (static)', () => {
  describe('the image (deploy/Dockerfile)', () => {
    it('runs as a non-root user, exposes OTLP gRPC + HTTP and admin, has a healthcheck', () => {
      assert.equal(docker.runtime.user, 'node');
      assert.deepEqual(docker.runtime.expose.sort(), [4317, 4318, 9464]);
      assert.match(docker.runtime.healthcheck ?? '', /127\.0\.0\.1:9464\/readyz/);
      assert.match(docker.runtime.cmd ?? '', /"run", "--config", "\/etc\/lookout\/lookout\.yaml"/);
    });

    it('runs the agent with node and --initial-old-space-size on the command line, within what V8 honours', () => {
      // NODE_OPTIONS may not carry --initial-old-space-size; V8 caps it at half the old space.
      const argv = JSON.parse(docker.runtime.entrypoint ?? '[]') as string[];
      assert.equal(argv[0], 'node');
      assert.equal(argv.at(-1), '/opt/lookout/dist/agent/cli/main.js');
      const initial = Number(/^--initial-old-space-size=(\d+)$/.exec(argv.find((a) => a.startsWith('--initial-old-space-size=')) ?? '')?.[1]);
      const oldSpace = Number(/--max-old-space-size=(\d+)/.exec(/^ENV NODE_OPTIONS="([^"]*)"/m.exec(read('deploy/Dockerfile'))?.[1] ?? '')?.[1]);
      assert.ok(initial > 0 && initial <= oldSpace / 2, `--initial-old-space-size=${initial} with --max-old-space-size=${oldSpace}`);
      assert.ok(docker.runtime.created.length > 0 && /ln -s \/opt\/lookout\/dist\/agent\/cli\/main\.js \/usr\/local\/bin\/lookout/.test(docker.stages.at(-1)!.instructions.map((i) => i.args).join('\n')),
        '`lookout` stays on PATH for docker exec');
    });

    it('creates the state and preload directories owned by the runtime user', () => {
      const config = parseConfigText(read('deploy/lookout.yaml'), 'deploy/lookout.yaml', {});
      for (const dir of [config.storage.dir, '/otel']) {
        assert.ok(docker.runtime.created.includes(dir), `${dir} created`);
        assert.equal(docker.runtime.owned.get(dir)?.split(':')[0], docker.runtime.user, `${dir} owned by ${docker.runtime.user}`);
      }
    });

    it('pins the base image to an exact version, builds with the native toolchain, ships production files only', () => {
      for (const s of docker.stages) assert.match(s.from, /^node:\d+\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/, s.from);
      const build = docker.stages[0].instructions.map((i) => `${i.op} ${i.args}`).join('\n');
      assert.match(build, /apt-get install[^\n]*python3[^\n]*make[^\n]*g\+\+/);
      assert.match(build, /npm prune --omit=dev/);
      const copies = docker.stages.at(-1)!.instructions.filter((i) => i.op === 'COPY').map((i) => i.args);
      assert.ok(!copies.some((c) => /\/src\/dist\s/.test(c) || /\/src\/dist\/test/.test(c)), 'no compiled tests in the runtime image');
      assert.ok(copies.some((c) => c.includes('/src/dist/preload')), 'the bundled preload is shipped');
    });

    it('the packages the image drops (bundled into the preload) are imported by nothing else it runs', () => {
      const build = docker.stages[0].instructions.map((i) => i.args).join('\n');
      const dropped = [...build.matchAll(/dependencies\.(\S+)/g)].map((m) => m[1]);
      assert.ok(dropped.includes('@opentelemetry/auto-instrumentations-node') && dropped.length >= 5, dropped.join(' '));
      const deps = Object.keys((JSON.parse(read('package.json')) as { dependencies: Record<string, string> }).dependencies);
      for (const d of dropped) assert.ok(deps.includes(d), `${d} is a dependency`);
      // Every import of the code the image runs (agent, the app toolkit, the demo app, the webhook echo): none is dropped.
      const sources = (dir: string): string[] => readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) return rel === 'instrumentation/preload' || e.name === 'testdata' ? [] : sources(rel);
        return rel.endsWith('.ts') ? [rel] : [];
      });
      const imported = new Set<string>();
      for (const f of [...sources('agent'), ...sources('instrumentation'), ...sources('deploy')]) {
        for (const m of read(f).matchAll(/(?:from |require\(|import\()'((?:@[\w.-]+\/)?[\w.-]+)/g)) imported.add(m[1]);
      }
      assert.ok(imported.has('better-sqlite3') && imported.has('@opentelemetry/sdk-metrics'), 'the scan sees the agent\'s imports');
      for (const d of dropped) assert.ok(!imported.has(d), `${d} is imported outside the preload bundle`);
      // ...and the preload imports them (so they are in the bundle).
      const preload = readdirSync(path.join(repoRoot, 'instrumentation/preload'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts')).map((f) => read(path.join('instrumentation/preload', f))).join('\n');
      assert.ok(preload.includes("'@opentelemetry/auto-instrumentations-node'"));
    });

    it('.dockerignore keeps host builds, data and git out of the build context', () => {
      const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      for (const p of ['node_modules', 'dist', 'data', '.git']) assert.ok(ignored.includes(p), p);
    });
  });

  describe('docker-compose.yml', () => {
    it('has the whole stack: app, sidecar, collector, Jaeger, Prometheus, Grafana, Loki, alert catchers; ELK behind a profile', () => {
      for (const s of ['otel-inject', 'demo-app', 'lookout', 'otel-collector', 'jaeger', 'prometheus', 'grafana', 'loki', 'mailpit', 'webhook-echo']) {
        assert.ok(services[s], s);
        assert.equal(services[s].profiles, undefined, `${s} starts by default`);
      }
      for (const s of ['elasticsearch', 'kibana']) assert.deepEqual(services[s]?.profiles, ['elk'], s);
    });

    it('publishes the documented ports (README\'s table) and the sidecar evaluates rules every 5s', () => {
      const ports = Object.fromEntries(Object.entries(services).map(([n, s]) => [n, s.ports ?? []]));
      assert.deepEqual(ports['demo-app'], ['8000:8000']);
      assert.deepEqual(ports.mailpit, ['8025:8025']);
      assert.deepEqual(ports.jaeger, ['16686:16686']);
      assert.deepEqual(ports.prometheus, ['9090:9090']);
      assert.deepEqual(ports.grafana, ['3000:3000']);
      assert.deepEqual(ports.kibana, ['5601:5601']);
      assert.equal(parseConfigText(read('deploy/lookout.yaml'), 'lookout.yaml', {}).rules.evaluation_interval, 5000);
    });

    it('long-running services restart; one-shot init does not', () => {
      for (const [name, s] of Object.entries(services)) {
        if (name === 'otel-inject') assert.equal(s.restart, 'no');
        else assert.equal(s.restart, 'unless-stopped', name);
      }
    });

    it('depends_on points at existing services, waits for healthchecks where there are some, and for the init to complete', () => {
      const healthy = new Set(Object.entries(services).filter(([, s]) => s.healthcheck).map(([n]) => n));
      for (const [name, s] of Object.entries(services)) {
        for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
          assert.ok(services[dep], `${name} depends on unknown ${dep}`);
          assert.ok(!services[dep].profiles || JSON.stringify(services[dep].profiles) === JSON.stringify(s.profiles), `${name} depends on ${dep} of another profile`);
          if (dep === 'otel-inject') assert.equal(condition, 'service_completed_successfully', name);
          else if (healthy.has(dep)) assert.equal(condition, 'service_healthy', `${name} -> ${dep}`);
          else assert.equal(condition, 'service_started', `${name} -> ${dep}`);
        }
      }
      assert.equal(services['demo-app'].depends_on?.lookout.condition, 'service_healthy');
      for (const s of lookoutImage.filter((n) => n !== 'otel-inject')) assert.ok(services[s].healthcheck, `${s} has a healthcheck`);
    });

    it('named volumes on the Lookout image are mounted where the image created them owned by its user, and no service runs as root', () => {
      for (const name of lookoutImage) {
        const s = services[name];
        assert.equal(s.user, undefined, `${name} runs as the image's user (${docker.runtime.user})`);
        for (const v of s.volumes ?? []) {
          const [src, target] = v.split(':');
          if (src.startsWith('.') || src.startsWith('/')) continue; // bind mounts of config files, read-only
          assert.ok(compose.volumes[src] !== undefined, `${name}: volume ${src} declared`);
          // A fresh named volume takes the ownership of the image directory it is mounted on.
          assert.equal(docker.runtime.owned.get(target)?.split(':')[0], docker.runtime.user, `${name}: ${target} owned by ${docker.runtime.user} in the image`);
        }
      }
      const storage = parseConfigText(read('deploy/lookout.yaml'), 'lookout.yaml', {}).storage.dir;
      assert.ok(services.lookout.volumes!.some((v) => v.split(':')[1] === storage), 'the state volume is on storage.dir');
    });

    it('the admin port is published on the host\'s loopback only', () => {
      const published = Object.values(services).flatMap((s) => s.ports ?? []);
      const admin = published.filter((p) => p.endsWith(':9464'));
      assert.deepEqual(admin, ['127.0.0.1:9464:9464']);
    });

    it('the sidecar forwards to the collector, and the app to the sidecar, on ports they listen on', () => {
      const config = parseConfigText(read('deploy/lookout.yaml'), 'deploy/lookout.yaml', { LOOKOUT_UPSTREAM: services.lookout.environment!.LOOKOUT_UPSTREAM });
      const up = hostPort(config.exporters.otlp!.endpoint);
      assert.ok(services[up.host], up.host);
      assert.equal(collectorBase.receivers.otlp.protocols.http.endpoint, `0.0.0.0:${up.port}`);
      const app = hostPort(services['demo-app'].environment!.OTEL_EXPORTER_OTLP_ENDPOINT);
      assert.equal(app.host, 'lookout');
      assert.equal(config.receivers.otlp.http?.endpoint, `0.0.0.0:${app.port}`);
      assert.equal(services['demo-app'].environment!.NODE_OPTIONS, '--require /otel/register.js');
      assert.deepEqual(services['otel-inject'].command, ['inject', '/otel']);
    });

    it('alerts reach catchers in the stack: the webhook echo and Mailpit', () => {
      const config = parseConfigText(read('deploy/lookout.yaml'), 'deploy/lookout.yaml', {});
      const receiver = config.alerting.receivers.find((r) => r.name === config.alerting.route!.receiver)!;
      const hook = hostPort(receiver.webhook_configs[0].url!);
      assert.equal(hook.host, 'webhook-echo');
      assert.equal(services['webhook-echo'].environment!.PORT, String(hook.port));
      assert.match(services['webhook-echo'].entrypoint!.join(' '), /dist\/deploy\/webhook-echo\/server\.js/);
      assert.equal(receiver.email_configs[0].smarthost, 'mailpit:1025');
      assert.equal(receiver.email_configs[0].require_tls, false);
      assert.ok(services.lookout.depends_on?.['webhook-echo'] && services.lookout.depends_on?.mailpit);
    });

    it('Jaeger\'s Monitor tab reads the RED metrics from Prometheus', () => {
      const env = services.jaeger.environment!;
      assert.equal(env.METRICS_STORAGE_TYPE, 'prometheus');
      const prom = hostPort(env.PROMETHEUS_SERVER_URL);
      assert.equal(prom.host, 'prometheus');
      assert.ok(services.prometheus.ports!.some((p) => p.endsWith(`:${prom.port}`)));
      // The names Jaeger queries: {namespace}_calls_total and {namespace}_duration_seconds_bucket, as the sidecar names them.
      assert.equal(env.PROMETHEUS_QUERY_NAMESPACE, 'traces_span_metrics');
      assert.equal(env.PROMETHEUS_QUERY_NORMALIZE_CALLS, 'true');
      assert.equal(env.PROMETHEUS_QUERY_DURATION_UNIT, 's');
    });
  });

  describe('Prometheus, the collector and Grafana', () => {
    it('Prometheus scrapes app and RED metrics by one path (the sidecar, honor_labels), never the collector\'s re-export', () => {
      const prom = parse(read('deploy/prometheus.yml')) as { scrape_configs: { job_name: string; honor_labels?: boolean; static_configs: { targets: string[] }[] }[] };
      const lookout = prom.scrape_configs.find((j) => j.job_name === 'lookout')!;
      assert.equal(lookout.honor_labels, true);
      assert.deepEqual(lookout.static_configs[0].targets, ['lookout:9464']);
      const collectorJob = prom.scrape_configs.find((j) => j.static_configs[0].targets.some((t) => t.startsWith('otel-collector:')))!;
      assert.equal(collectorJob.static_configs[0].targets[0], `otel-collector:${collectorBase.service.telemetry.metrics.address.split(':')[1]}`, 'only the collector\'s own telemetry');
      assert.ok(!Object.keys(collectorBase.exporters).some((e) => e.startsWith('prometheus')), 'the collector does not re-export app metrics');
    });

    for (const logs of ['loki', 'elk']) {
      it(`otel-collector.yaml + logs-${logs}.yaml: known components and keys, every pipeline complete`, () => {
        assert.deepEqual(collectorProblems(collectorWith(logs)), []);
      });
    }

    it('the collector check catches typos and dangling references', () => {
      const bad = mergeConfig(collectorBase, { exporters: { 'otlphtp/x': {}, debug: { verbosty: 'basic' } }, service: { pipelines: { logs: { exporters: ['nope'] } } } });
      assert.deepEqual(collectorProblems(bad).sort(), [
        'exporters.debug.verbosty: unknown key',
        'exporters.otlphtp/x: defined but in no pipeline',
        'exporters.otlphtp/x: unknown component type otlphtp',
        'exporters.otlphttp/loki: defined but in no pipeline',
        'service.pipelines.logs.exporters: nope is not defined',
      ]);
    });

    it('the collector sends traces to Jaeger and logs to Loki\'s native OTLP endpoint (and Elasticsearch with elk)', () => {
      const c = collectorWith('loki');
      assert.equal(c.exporters['otlp/jaeger'].endpoint, 'jaeger:4317');
      assert.deepEqual(c.service.pipelines.traces.exporters, ['otlp/jaeger']);
      assert.equal(c.exporters['otlphttp/loki'].endpoint, 'http://loki:3100/otlp');
      assert.deepEqual(c.service.pipelines.logs.exporters, ['otlphttp/loki']);
      const elk = collectorWith('elk');
      assert.deepEqual(elk.service.pipelines.logs.exporters, ['otlphttp/loki', 'elasticsearch']);
      assert.equal(hostPort(elk.exporters.elasticsearch.endpoints[0]).host, 'elasticsearch');
      assert.match(services['otel-collector'].command!.join(' '), /--config=\/etc\/otelcol\/logs-\$\{OTELCOL_LOGS:-loki\}\.yaml/);
      for (const v of services['otel-collector'].volumes!) {
        const [src] = v.split(':');
        assert.doesNotThrow(() => read(src), `${src} exists`);
      }
    });

    it('Grafana is provisioned with Prometheus, Jaeger and Loki pointing at the stack, and the dashboards folder', () => {
      const ds = parse(read('deploy/grafana/provisioning/datasources/datasources.yaml')) as { datasources: { type: string; url: string; uid: string }[] };
      for (const type of ['prometheus', 'jaeger', 'loki']) {
        const d = ds.datasources.find((x) => x.type === type);
        assert.ok(d, type);
        const { host } = hostPort(d.url);
        assert.ok(services[host], `${type} -> ${host}`);
      }
      const dashboards = parse(read('deploy/grafana/provisioning/dashboards/dashboards.yaml')) as { providers: { options: { path: string } }[] };
      const mount = services.grafana.volumes!.find((v) => v.split(':')[1] === dashboards.providers[0].options.path);
      assert.ok(mount?.startsWith('./deploy/grafana/dashboards:'));
    });
  });
});
