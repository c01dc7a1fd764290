import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LookoutError, ServiceUnavailableError } from '../../../instrumentation/toolkit/errors';
import { callService } from '../../../instrumentation/toolkit/service-call';
import { freePort } from '../../helpers/agent-process';

describe('toolkit callService (seed: handle_service_call)', () => {
  let server: http.Server;
  let base = '';
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/ok') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
      if (req.url === '/unavailable') return void res.writeHead(503).end('try later');
      if (req.url === '/missing') return void res.writeHead(404).end('no');
      if (req.url === '/html') return void res.writeHead(200).end('<html>');
      // /hang: never answers
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('returns the parsed JSON body', async () => {
    assert.deepEqual(await callService(`${base}/ok`), { status: 'healthy' });
  });

  it('maps 5xx to ServiceUnavailableError and 4xx to a plain LookoutError', async () => {
    await assert.rejects(callService(`${base}/unavailable`), (err: unknown) => {
      assert.ok(err instanceof ServiceUnavailableError);
      assert.equal(err.message, 'Service error: 503');
      assert.deepEqual(err.details, { status_code: 503, service_url: `${base}/unavailable` });
      return true;
    });
    await assert.rejects(callService(`${base}/missing`), (err: unknown) => {
      assert.ok(err instanceof LookoutError && !(err instanceof ServiceUnavailableError));
      assert.equal(err.message, 'Client error: 404');
      return true;
    });
  });

  it('maps a body that is not JSON to LookoutError', async () => {
    await assert.rejects(callService(`${base}/html`), (err: unknown) => {
      assert.ok(err instanceof LookoutError && !(err instanceof ServiceUnavailableError));
      assert.equal(err.message, 'Invalid JSON response from service');
      return true;
    });
  });

  it('maps timeouts and refused connections to ServiceUnavailableError', async () => {
    await assert.rejects(callService(`${base}/hang`, { timeoutMs: 100 }), (err: unknown) => {
      assert.ok(err instanceof ServiceUnavailableError);
      assert.match(err.message, /timed out$/);
      assert.equal(err.details.timeout_ms, 100);
      return true;
    });
    const dead = `http://127.0.0.1:${await freePort()}/x`;
    await assert.rejects(callService(dead), (err: unknown) => {
      assert.ok(err instanceof ServiceUnavailableError);
      assert.equal(err.message, `Cannot connect to service at ${dead}`);
      assert.match(String(err.details.error), /ECONNREFUSED/);
      return true;
    });
  });
});
