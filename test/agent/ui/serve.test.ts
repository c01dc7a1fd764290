import assert from 'node:assert/strict';
import express from 'express';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { uiRouter } from '../../../agent/ui/serve';

async function serve(dir: string): Promise<{ url: string; close(): void }> {
  const app = express();
  app.use(uiRouter(dir));
  app.use((_req, res) => { res.status(404).send('not found'); });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => { server.closeAllConnections(); server.close(); } };
}

describe('ui/serve', () => {
  it('serves the page (no-cache, CSP) and hashed assets (immutable) with their content types', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-ui-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(path.join(dir, 'assets', 'main-ABC.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'assets', 'style-ABC.css'), 'body{}');
    const s = await serve(dir);
    try {
      const page = await fetch(`${s.url}/`);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(page.headers.get('cache-control'), 'no-cache');
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'.*frame-ancestors 'none'/);
      assert.equal(await page.text(), '<!doctype html><title>t</title>');
      const js = await fetch(`${s.url}/ui/assets/main-ABC.js`);
      assert.match(js.headers.get('content-type') ?? '', /^(application|text)\/javascript/);
      assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
      assert.match((await fetch(`${s.url}/ui/assets/style-ABC.css`)).headers.get('content-type') ?? '', /^text\/css/);
      assert.equal((await fetch(`${s.url}/ui/assets/missing.js`)).status, 404);
      assert.equal((await fetch(`${s.url}/ui/assets/%2e%2e/index.html`)).status, 404, 'no escape from the assets folder');
    } finally {
      s.close();
    }
  });

  it('answers 503 with the fix when the UI is not built', async () => {
    const s = await serve(mkdtempSync(path.join(os.tmpdir(), 'lookout-ui-empty-')));
    try {
      const res = await fetch(`${s.url}/`);
      assert.equal(res.status, 503);
      assert.match(await res.text(), /the web UI is not built: .*index\.html is missing \(run npm run build\)/);
    } finally {
      s.close();
    }
  });
});
