/** Serves prometheusApiRouter on 127.0.0.1:0 for raw-HTTP tests, with a scriptable fake engine. */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { prometheusApiRouter, type PrometheusApiOptions } from '../../../../agent/api/prometheus';
import type { Engine, QueryValue } from '../../../../agent/promql/types';

export interface EngineCall { kind: 'instant' | 'range'; expr: string; t?: number; start?: number; end?: number; step?: number }

/** Records calls; answers with `answer` (or throws what it throws). */
export class FakeEngine implements Engine {
  readonly calls: EngineCall[] = [];
  readonly timeoutMs = 30_000;
  readonly maxSamples = 5_000_000;
  answer: (call: EngineCall) => QueryValue = () => ({ resultType: 'vector', result: [] });

  instantQuery(expr: string, t: number): QueryValue {
    const call: EngineCall = { kind: 'instant', expr, t };
    this.calls.push(call);
    return this.answer(call);
  }

  rangeQuery(expr: string, start: number, end: number, step: number): QueryValue {
    const call: EngineCall = { kind: 'range', expr, start, end, step };
    this.calls.push(call);
    return this.answer(call);
  }

  async instantQueryAsync(expr: string, t: number): Promise<QueryValue> {
    return this.instantQuery(expr, t);
  }

  async rangeQueryAsync(expr: string, start: number, end: number, step: number): Promise<QueryValue> {
    return this.rangeQuery(expr, start, end, step);
  }
}

export interface ApiServer {
  url: string;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: string; json: any; headers: Headers }>;
  post(path: string, form: string, headers?: Record<string, string>): Promise<{ status: number; body: string; json: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startApi(opts: PrometheusApiOptions): Promise<ApiServer> {
  const app = express();
  app.use(prometheusApiRouter(opts));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const read = async (res: globalThis.Response) => {
    const body = await res.text();
    let json: unknown;
    try { json = JSON.parse(body); } catch { json = undefined; }
    return { status: res.status, body, json, headers: res.headers };
  };
  return {
    url,
    get: async (path, headers) => read(await fetch(url + path, { headers })),
    post: async (path, form, headers) => read(await fetch(url + path, {
      method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    })),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
