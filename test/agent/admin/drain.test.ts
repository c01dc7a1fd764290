/**
 * drainedOrClosed: the /metrics stream waits once per chunk a slow scraper
 * has not taken yet; the waits must not leave listeners behind on the
 * response (11 leftover 'close' listeners printed MaxListenersExceededWarning).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainedOrClosed } from '../../../agent/admin/drain';

describe('admin: drainedOrClosed', () => {
  it('waits for a slow client many times without piling up listeners', async () => {
    let waits = 0;
    let leftover = -1;
    const chunk = Buffer.alloc(256 * 1024, 'x');
    const server = http.createServer(async (_req, res) => {
      const closeListeners = res.listenerCount('close');
      for (let i = 0; i < 40; i++) {
        if (!res.write(chunk)) {
          waits++;
          await drainedOrClosed(res);
        }
      }
      leftover = res.listenerCount('close') + res.listenerCount('drain') - closeListeners;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const received = await new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let n = 0;
          // A slow reader: paused between chunks so the server's writes back up.
          res.on('data', (d: Buffer) => { n += d.length; res.pause(); setTimeout(() => res.resume(), 1); });
          res.on('end', () => resolve(n));
          res.on('error', reject);
        }).on('error', reject);
      });
      assert.equal(received, 40 * chunk.length);
      assert.ok(waits > 10, `only ${waits} waits: the client was not slow enough to tell`);
      assert.equal(leftover, 0, 'listeners left on the response after the waits');
    } finally {
      server.close();
    }
  });

  it('resolves when the client goes away instead of draining', async () => {
    const server = http.createServer(async (_req, res) => {
      while (res.write(Buffer.alloc(1024 * 1024))) { /* fill the socket until it pushes back */ }
      const waited = drainedOrClosed(res);
      res.destroy();
      await waited;
      server.emit('waited');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const done = new Promise<void>((resolve) => server.once('waited', resolve));
      http.get({ host: '127.0.0.1', port, path: '/' }, (res) => res.pause()).on('error', () => undefined);
      await done;
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
