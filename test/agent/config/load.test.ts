import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfigFile, parseConfigText, defaultConfig } from '../../../agent/config/load';
import { repoRoot } from '../../helpers/repo';

const testdata = path.join(repoRoot, 'agent/config/testdata');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected the config to be rejected');
}

describe('config loading', () => {
  it('embedded default: OTLP/HTTP on 4318, OTLP/gRPC on 4317, admin on 9464, no upstream, storage in ./data', () => {
    const { config } = defaultConfig();
    assert.equal(config.receivers.otlp.http?.endpoint, '127.0.0.1:4318');
    assert.equal(config.receivers.otlp.grpc?.endpoint, '127.0.0.1:4317');
    assert.equal(config.admin.endpoint, '127.0.0.1:9464');
    assert.equal(config.exporters.otlp, undefined);
    assert.equal(config.storage.dir, './data');
  });

  it('loads a full file with env defaults and set env vars', () => {
    const { config } = loadConfigFile(path.join(testdata, 'full.yaml'), { UPSTREAM_TOKEN: 's3cret' });
    assert.equal(config.exporters.otlp?.endpoint, 'http://otel-collector:4318');
    assert.equal(config.exporters.otlp?.headers.authorization, 'Bearer s3cret');
    assert.equal(config.exporters.otlp?.timeout, 10_000);
    assert.equal(config.exporters.otlp?.encoding, 'proto');
    assert.equal(config.exporters.otlp?.compression, 'gzip');
  });

  it('names an unknown key and suggests the right one', () => {
    const problems = problemsOf(() => loadConfigFile(path.join(testdata, 'typo.yaml'), {}));
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^receivers\.otlp\.http\.endpiont: unknown key \(did you mean "endpoint"\?\)/);
  });

  it('reports every wrong type at once, each with its key', () => {
    const problems = problemsOf(() => loadConfigFile(path.join(testdata, 'wrong-type.yaml'), {}));
    const keys = problems.map((p) => p.split(':')[0]).sort();
    assert.deepEqual(keys, ['admin.endpoint', 'exporters.otlp.compression', 'exporters.otlp.timeout']);
    assert.ok(problems.some((p) => /timeout: not a valid duration/.test(p)), problems.join('\n'));
  });

  it('a missing environment variable is an error naming the variable and the key', () => {
    const problems = problemsOf(() => loadConfigFile(path.join(testdata, 'missing-env.yaml'), {}));
    assert.ok(problems.some((p) => p.startsWith('exporters.otlp.endpoint: environment variable LOOKOUT_TEST_UNSET_UPSTREAM is not set')), problems.join('\n'));
  });

  it('a whole-value reference takes the type it expands to; $$ is a literal dollar', () => {
    const config = parseConfigText('receivers:\n  otlp:\n    http:\n      max_request_body_size: ${MAX}\nexporters:\n  otlp:\n    endpoint: http://h:1\n    headers: {x: "a$$b"}\n', 't', { MAX: '1024' });
    assert.equal(config.receivers.otlp.http?.max_request_body_size, 1024);
    assert.equal(config.exporters.otlp?.headers.x, 'a$b');
  });

  it('YAML syntax errors and duplicate keys are reported with a line', () => {
    const problems = problemsOf(() => parseConfigText('admin:\n  endpoint: a:1\n  endpoint: b:2\n', 't', {}));
    assert.match(problems[0], /line 3/);
  });
});
