/**
 * receivers.otlp configuration: every file in agent/receivers/otlp/testdata
 * is wrapped into a full agent config (`receivers: {otlp: ...}`) and run
 * through the real loader, so the errors asserted are the ones users see.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfigText } from '../../../../agent/config/load';
import { otlpReceiverConfigSchema, DEFAULT_MAX_REQUEST_BODY_SIZE } from '../../../../agent/receivers/otlp/config';
import { repoRoot } from '../../../helpers/repo';

const TESTDATA = path.join(repoRoot, 'agent/receivers/otlp/testdata');

function loadSection(file: string) {
  const section = readFileSync(path.join(TESTDATA, file), 'utf8');
  const indented = section.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
  return parseConfigText(`receivers:\n  otlp:\n${indented}\n`, file, {});
}

function problemsOf(file: string): string[] {
  try {
    loadSection(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `${file}: ${String(err)}`);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail(`${file} should not load`);
}

describe('receivers.otlp config', () => {
  it('testdata holds good and bad files, and the test covers each', () => {
    const files = readdirSync(TESTDATA).filter((f) => f.endsWith('.yaml')).sort();
    assert.deepEqual(files, [
      'bad-duplicate-paths.yaml', 'bad-endpoint.yaml', 'bad-protocols.yaml', 'bad-typo.yaml', 'bad-values.yaml',
      'defaults.yaml', 'full.yaml', 'grpc-only.yaml',
    ]);
  });

  it('defaults.yaml: empty protocol blocks are on, with the Collector defaults', () => {
    const otlp = loadSection('defaults.yaml').receivers.otlp;
    assert.deepEqual(otlp.http, {
      endpoint: '127.0.0.1:4318', max_request_body_size: DEFAULT_MAX_REQUEST_BODY_SIZE,
      traces_url_path: '/v1/traces', metrics_url_path: '/v1/metrics', logs_url_path: '/v1/logs',
    });
    assert.deepEqual(otlp.grpc, { endpoint: '127.0.0.1:4317', max_recv_msg_size_mib: 4 });
  });

  it('full.yaml: every key is read', () => {
    const otlp = loadSection('full.yaml').receivers.otlp;
    assert.deepEqual(otlp.http, {
      endpoint: '0.0.0.0:14318', max_request_body_size: 4194304,
      traces_url_path: '/otlp/v1/traces', metrics_url_path: '/otlp/v1/metrics', logs_url_path: '/otlp/v1/logs',
    });
    assert.deepEqual(otlp.grpc, { endpoint: '[::1]:14317', max_recv_msg_size_mib: 16 });
  });

  it('grpc-only.yaml: leaving http out turns it off', () => {
    const otlp = loadSection('grpc-only.yaml').receivers.otlp;
    assert.equal(otlp.http, undefined);
    assert.equal(otlp.grpc?.endpoint, '127.0.0.1:4317');
  });

  it('no receivers section at all: OTLP/HTTP and OTLP/gRPC on their default endpoints', () => {
    const otlp = parseConfigText('{}', 'empty', {}).receivers.otlp;
    assert.equal(otlp.http?.endpoint, '127.0.0.1:4318');
    assert.equal(otlp.grpc?.endpoint, '127.0.0.1:4317');
  });

  it('bad-typo.yaml: the unknown key is named, with the key it probably meant', () => {
    const problems = problemsOf('bad-typo.yaml');
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^receivers\.otlp\.http\.max_request_body_sise: unknown key \(did you mean "max_request_body_size"\?\); allowed here: endpoint, max_request_body_size, traces_url_path, metrics_url_path, logs_url_path$/);
  });

  it('bad-protocols.yaml: the Collector\'s protocols: level is accepted, but not a protocol written there and at the top', () => {
    assert.deepEqual(problemsOf('bad-protocols.yaml'), ['receivers.otlp.protocols.http: http is also configured at the top level: write it in one place']);
  });

  it('bad-endpoint.yaml: a URL is not an endpoint', () => {
    assert.deepEqual(problemsOf('bad-endpoint.yaml'), ['receivers.otlp.http.endpoint: expected host:port, e.g. 127.0.0.1:4318']);
  });

  it('bad-duplicate-paths.yaml: two signals cannot share a path', () => {
    const problems = problemsOf('bad-duplicate-paths.yaml');
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^receivers\.otlp\.http\.logs_url_path: "\/v1\/otlp" is already used by traces_url_path/);
  });

  it('bad-values.yaml: every wrong value is reported at once', () => {
    const problems = problemsOf('bad-values.yaml');
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.ok(problems.some((p) => /^receivers\.otlp\.http\.max_request_body_size: .*number/i.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => p === 'receivers.otlp.http.metrics_url_path: must start with "/", e.g. /v1/traces'), problems.join('\n'));
    assert.ok(problems.some((p) => /^receivers\.otlp\.grpc\.max_recv_msg_size_mib: /.test(p)), problems.join('\n'));
  });

  it('the schema parses a plain object the way the receiver is constructed in tests', () => {
    const c = otlpReceiverConfigSchema.parse({});
    assert.equal(c.http, undefined);
    assert.equal(c.grpc, undefined);
    assert.deepEqual(c.limits, { max_future: 600_000, max_histogram_buckets: 320 });
    assert.deepEqual(c.memory_limiter, { enabled: true, check_interval: 1000, heap_limit_percentage: 85 });
    assert.deepEqual(c.retry_after, { initial: 1000, max: 32_000 });
    assert.equal(otlpReceiverConfigSchema.parse({ http: null }).http?.endpoint, '127.0.0.1:4318');
  });
});
