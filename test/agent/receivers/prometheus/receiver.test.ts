/**
 * The receiver component: file_sd_configs targets appear and disappear
 * (a removed target's series are marked stale), dropped targets are listed,
 * failed scrapes are counted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MemoryStore } from '../../../../agent/store';
import { prometheusReceiverConfigSchema } from '../../../../agent/receivers/prometheus/config';
import { PrometheusReceiver } from '../../../../agent/receivers/prometheus/receiver';
import { counterValue, testHost } from '../../../helpers/test-host';
import { waitFor } from '../../../helpers/wait';

describe('receivers.prometheus receiver', () => {
  it('follows file_sd_configs, marks a removed target stale, lists dropped targets, counts failures', async () => {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('app_metric 1\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-filesd-'));
    const file = path.join(dir, 'targets.json');
    writeFileSync(file, JSON.stringify([{ targets: [addr], labels: { env: 'prod' } }, { targets: ['127.0.0.1:1'], labels: { skip: 'yes' } }]));
    const config = prometheusReceiverConfigSchema.parse({
      config: {
        scrape_configs: [
          {
            job_name: 'fsd', scrape_interval: '200ms', scrape_timeout: '150ms',
            file_sd_configs: [{ files: [path.join(dir, '*.json')], refresh_interval: '1s' }],
            relabel_configs: [{ source_labels: ['skip'], regex: 'yes', action: 'drop' }],
          },
          { job_name: 'dead', scrape_interval: '200ms', scrape_timeout: '100ms', static_configs: [{ targets: ['127.0.0.1:1'] }] },
          { job_name: 'big', scrape_interval: '200ms', scrape_timeout: '150ms', body_size_limit: 5, static_configs: [{ targets: [addr] }] },
        ],
      },
    });
    const store = new MemoryStore();
    const host = testHost();
    const receiver = new PrometheusReceiver('prometheus', config, { appender: store, baseDir: dir });
    try {
      await receiver.start(host);
      const sel = () => store.select([{ name: '__name__', type: '=', value: 'app_metric' }], 0, 1e15);
      await waitFor(() => sel().some((x) => x.labels.job === 'fsd'), { what: 'the file_sd target scraped' });
      assert.deepEqual(sel().find((x) => x.labels.job === 'fsd')?.labels, { __name__: 'app_metric', env: 'prod', instance: addr, job: 'fsd' });
      const t = receiver.targets();
      assert.equal(t.activeTargets.length, 3);
      assert.equal(t.droppedTargets.length, 1);
      assert.equal(t.droppedTargets[0].discoveredLabels.__meta_filepath, file);
      await waitFor(async () => (await counterValue(host, 'lookout_scrape_failed', { job: 'dead' })) > 0, { what: 'failed scrapes counted' });
      assert.match(receiver.targets().activeTargets.find((x) => x.scrapePool === 'dead')!.lastError, /ECONNREFUSED/);
      await waitFor(async () => (await counterValue(host, 'lookout_scrape_body_too_large', { job: 'big' })) > 0, { what: 'body_size_limit counted' });
      assert.equal(await counterValue(host, 'lookout_scrape_body_too_large', { job: 'dead' }), 0);
      writeFileSync(file, '[]');
      await waitFor(() => sel().find((x) => x.labels.job === 'fsd')?.staleT.length === 1, { timeoutMs: 5000, what: 'the removed target marked stale' });
      assert.equal(receiver.targets().activeTargets.filter((x) => x.scrapePool === 'fsd').length, 0);
    } finally {
      await receiver.shutdown();
      await host.cleanup();
      server.close();
    }
  });
});
