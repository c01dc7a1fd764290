/**
 * Scraping a protected target: https with a private CA and a client
 * certificate (tls_config), basic_auth and authorization with a
 * credentials_file; a wrong CA fails the scrape with the TLS error.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { MemoryStore } from '../../../../agent/store';
import { scrapeConfigSchema } from '../../../../agent/receivers/prometheus/config';
import { Relabeler } from '../../../../agent/receivers/prometheus/relabel';
import { ScrapeLoop, type ScrapeReport } from '../../../../agent/receivers/prometheus/scrape-loop';
import { makePki, type Pki } from '../../admin/fixtures';

describe('receivers.prometheus scraping over TLS with credentials', () => {
  let pki: Pki;
  let server: https.Server;
  let url = '';
  const seen: { auth?: string; clientCN?: string }[] = [];

  before(async () => {
    pki = makePki();
    server = https.createServer({
      key: readFileSync(pki.serverKey), cert: readFileSync(pki.serverCert), ca: readFileSync(pki.caCert), requestCert: true, rejectUnauthorized: true,
    }, (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      seen.push({ auth: req.headers.authorization, clientCN: peer?.subject?.CN });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('secure_metric 1\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  async function scrape(over: Record<string, unknown>): Promise<ScrapeReport> {
    const sc = scrapeConfigSchema.parse({ job_name: 'tls', scheme: 'https', ...over });
    const reports: ScrapeReport[] = [];
    const loop = new ScrapeLoop({ discovered: {}, labels: { job: 'tls', instance: 'x' }, url }, sc, { intervalMs: 5000, timeoutMs: 3000 }, {
      appender: new MemoryStore(), metricRelabel: new Relabeler([]), baseDir: (p) => path.resolve(pki.dir, p), onScrape: (r) => reports.push(r),
    });
    await loop.scrapeAndReport(Date.now());
    return reports[0];
  }

  it('tls_config (CA, client certificate) and basic_auth', async () => {
    const r = await scrape({ tls_config: { ca_file: 'ca.crt', cert_file: 'client.crt', key_file: 'client.key' }, basic_auth: { username: 'u', password: 'p w' } });
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(seen.at(-1), { auth: `Basic ${Buffer.from('u:p w').toString('base64')}`, clientCN: 'oncall-client' });
  });

  it('authorization with a credentials_file', async () => {
    writeFileSync(path.join(pki.dir, 'token'), 'tok3n\n');
    const r = await scrape({ tls_config: { ca_file: 'ca.crt', cert_file: 'client.crt', key_file: 'client.key' }, authorization: { credentials_file: 'token' } });
    assert.equal(r.ok, true, r.error);
    assert.equal(seen.at(-1)?.auth, 'Bearer tok3n');
  });

  it('a server certificate from another CA fails the scrape (insecure_skip_verify is off by default)', async () => {
    const r = await scrape({ tls_config: { ca_file: 'other.crt', cert_file: 'client.crt', key_file: 'client.key' } });
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /certificate/i);
    const skip = await scrape({ tls_config: { insecure_skip_verify: true, cert_file: 'client.crt', key_file: 'client.key' } });
    assert.equal(skip.ok, true, skip.error);
  });
});
