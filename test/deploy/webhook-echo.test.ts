import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer, describePayload } from '../../deploy/webhook-echo/server';

describe('deploy/webhook-echo (the compose stack\'s webhook catcher)', () => {
  it('prints one line per Alertmanager webhook notification and lists them', async () => {
    const lines: string[] = [];
    const server = createServer((l) => lines.push(l));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      assert.equal((await fetch(`${url}/health`)).status, 200);
      const payload = { version: '4', status: 'firing', receiver: 'demo-catchers', alerts: [{ labels: { alertname: 'HighErrorRate' }, annotations: { summary: 'demo-app: 40% of requests fail' } }] };
      assert.equal((await fetch(`${url}/alerts`, { method: 'POST', body: JSON.stringify(payload) })).status, 200);
      assert.deepEqual(lines, ['[FIRING:1] HighErrorRate -> demo-catchers: demo-app: 40% of requests fail']);
      assert.deepEqual(await (await fetch(`${url}/notifications`)).json(), [payload]);
      assert.equal((await fetch(`${url}/alerts`, { method: 'POST', body: 'nope' })).status, 400);
      assert.equal(describePayload({}), '[?:0] -> ?');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
