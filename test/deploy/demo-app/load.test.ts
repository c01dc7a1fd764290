import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { StructuredLogger } from '../../../instrumentation';
import { createDemoApp } from '../../../deploy/demo-app/app';
import { loadDemoConfig } from '../../../deploy/demo-app/config';
import {
  ERROR_PATHS, NORMAL_PATHS, formatSummary, parseLoadArgs, percentile, pickPath, runLoad, summarize,
} from '../../../deploy/demo-app/load';
import { repoRoot } from '../../helpers/repo';

describe('demo load generator (port of load_test.py)', function () {
  this.timeout(30000);

  it('parses the seed-style options, with the seed defaults', () => {
    assert.deepEqual(parseLoadArgs([]), { url: 'http://127.0.0.1:8000', concurrency: 10, requests: 100, errorShare: 0.2, timeoutSeconds: 10 });
    assert.deepEqual(parseLoadArgs(['--concurrency', '20', '--requests', '500', '--error-share', '0.3', '--url', 'http://h:1/']), {
      url: 'http://h:1', concurrency: 20, requests: 500, errorShare: 0.3, timeoutSeconds: 10,
    });
    const quiet = () => {};
    assert.throws(() => parseLoadArgs(['--error-share', '2'], quiet), /--error-share must be between 0 and 1/);
    assert.throws(() => parseLoadArgs(['--concurrency', '0'], quiet), /--concurrency must be a whole number >= 1/);
    assert.throws(() => parseLoadArgs(['--url', 'nope'], quiet), /--url "nope" is not a URL/);
  });

  it('sends the --error-share of requests to the error endpoints', () => {
    assert.ok(ERROR_PATHS.includes(pickPath(1) as never));
    assert.ok(NORMAL_PATHS.includes(pickPath(0) as never));
    const picks = Array.from({ length: 4000 }, () => pickPath(0.3));
    const share = picks.filter((p) => (ERROR_PATHS as readonly string[]).includes(p)).length / picks.length;
    assert.ok(share > 0.25 && share < 0.35, `error share ${share}`);
    for (const p of [...NORMAL_PATHS, ...ERROR_PATHS]) assert.ok(picks.includes(p), `${p} is used`);
  });

  it('summarizes: success is status < 400; no response counts as failure; nearest-rank p99', () => {
    const s = summarize([200, 200, 500, 404], [10, 20, 30, 40], 1, 2000);
    assert.deepEqual(s, {
      total: 5, successes: 2, failures: 3, failureBreakdown: { httpErrors: 2, noResponse: 1 },
      successRate: 0.4, durationSeconds: 2, requestsPerSecond: 2.5,
      latencySeconds: { min: 0.01, avg: 0.025, p99: 0.04, max: 0.04 },
    });
    assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99), 99);
    const text = formatSummary(s);
    for (const line of ['Total Requests: 5', 'Successful: 2', 'Failed: 3 (HTTP errors: 2, no response: 1)', 'Success Rate: 40.0%',
      'Requests/Second: 2.50', 'Latency min/avg/p99/max: 0.010s / 0.025s / 0.040s / 0.040s']) {
      assert.ok(text.includes(`${line}\n`), `${line} in\n${text}`);
    }
  });

  describe('against the demo app', () => {
    let server: Server;
    let url = '';
    let dispose = () => {};
    before(async () => {
      const config = loadDemoConfig({ DEMO_ERROR_RATE: '1', DEMO_SLOW_MIN_MS: '5', DEMO_SLOW_MAX_MS: '10', DEMO_DEPENDENCY_FAILURE_RATE: '0' });
      const demo = createDemoApp(config, { logger: new StructuredLogger('demo', { level: 'silent' }), selfUrl: () => url });
      dispose = () => demo.dependency.dispose();
      server = await new Promise((resolve) => {
        const s = demo.app.listen(0, '127.0.0.1', () => resolve(s));
      });
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      dispose();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('runs the requested number of requests and counts the simulated errors as failures', async () => {
      const summary = await runLoad({ url, concurrency: 4, requests: 60, errorShare: 0.5, timeoutSeconds: 5 });
      assert.equal(summary.total, 60);
      assert.equal(summary.successes + summary.failures, 60);
      assert.equal(summary.failureBreakdown.noResponse, 0);
      assert.ok(summary.failures > 0 && summary.successes > 0, JSON.stringify(summary));
      assert.ok(summary.latencySeconds.min <= summary.latencySeconds.avg && summary.latencySeconds.avg <= summary.latencySeconds.max);
      assert.ok(summary.requestsPerSecond > 0);
    });

    it('the CLI prints the seed report', async () => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--require', 'tsx/cjs', path.join(repoRoot, 'deploy/demo-app/load.ts'), '--url', url, '--requests', '20', '--concurrency', '2', '--error-share', '0'],
        { cwd: repoRoot },
      );
      assert.match(stdout, /^Starting load test: 20 requests with 2 concurrent against http:\/\/127\.0\.0\.1:\d+ \(0% to error endpoints\)\n/);
      assert.match(stdout, /\nTotal Requests: 20\nSuccessful: 20\nFailed: 0 \(HTTP errors: 0, no response: 0\)\nSuccess Rate: 100\.0%\n/);
      assert.match(stdout, /\nLatency min\/avg\/p99\/max: \d+\.\d{3}s \/ \d+\.\d{3}s \/ \d+\.\d{3}s \/ \d+\.\d{3}s\n/);
    });
  });
});
