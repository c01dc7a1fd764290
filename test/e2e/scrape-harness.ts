/**
 * Shared by the scrape and remote-write end-to-end tests: a real Prometheus
 * 2.42 (/usr/bin/prometheus) on a free port with a generated config and a
 * temporary TSDB, a prom-client exposition on 127.0.0.1:0, and query helpers
 * for Prometheus' (and the agent's) /api/v1/query.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Registry } from 'prom-client';
import { freePort } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';

export interface PrometheusProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startPrometheus(config: Record<string, unknown>, opts: { remoteWriteReceiver?: boolean; port?: number; dir?: string } = {}): Promise<PrometheusProcess> {
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'lookout-prom-'));
  const port = opts.port ?? await freePort();
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, stringify(config));
  const args = [
    `--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  if (opts.remoteWriteReceiver) args.push('--web.enable-remote-write-receiver');
  const child = spawn('/usr/bin/prometheus', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => { exited = true; resolve(); }));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (exited) throw new Error(`prometheus exited:\n${out}`);
    const res = await fetch(`${url}/-/ready`).catch(() => undefined);
    return res?.status === 200;
  }, { timeoutMs: 30000, what: 'prometheus /-/ready' });
  return {
    url, child, output: () => out,
    stop: async () => { if (!exited) { child.kill('SIGTERM'); await exit; } },
  };
}

export interface Served { url: string; address: string; close(): Promise<void> }

/** Serves a prom-client registry's exposition on 127.0.0.1:0 at /metrics. */
export async function serveRegistry(registry: Registry): Promise<Served> {
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/metrics')) {
      void registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${address}/metrics`,
    address,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface VectorSample { metric: Record<string, string>; value: [number, string] }

/** An instant query against a Prometheus-compatible API (Prometheus or the agent's admin port). */
export async function instantQuery(baseUrl: string, query: string, time?: number): Promise<VectorSample[]> {
  const params = new URLSearchParams({ query });
  if (time !== undefined) params.set('time', String(time / 1000));
  const res = await fetch(`${baseUrl}/api/v1/query?${params}`);
  const body = await res.json() as { status: string; data: { resultType: string; result: VectorSample[] }; error?: string };
  if (body.status !== 'success') throw new Error(`query ${query} on ${baseUrl}: ${body.error}`);
  return body.data.result;
}

/** Series as sorted "labels => value" lines, for comparing two servers' answers. */
export function seriesLines(samples: VectorSample[], opts: { values?: boolean } = {}): string[] {
  return samples.map((s) => {
    const labels = Object.keys(s.metric).sort().map((k) => `${k}=${JSON.stringify(s.metric[k])}`).join(',');
    return opts.values === false ? `{${labels}}` : `{${labels}} => ${s.value[1]}`;
  }).sort();
}
