/**
 * Builds a Notifier from Alertmanager-style YAML (wrapped as `alerting:` and
 * loaded through the real config loader) on a fake clock and a test host.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { alertingApiRouter } from '../../../agent/alerting/api';
import { parseConfigText } from '../../../agent/config/load';
import { Notifier, type NotifierOptions } from '../../../agent/alerting/notifier';
import type { PostableAlert } from '../../../agent/alerting/types';
import { testHost, type TestHost } from '../../helpers/test-host';
import { Recorder } from '../notify/recorder';
import { FakeClock } from './fake-clock';

export const FAST_DELIVERY = { timeoutMs: 3000, maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20, breakerThreshold: 100, halfOpenAfterMs: 20 };

export function alertingConfig(yamlBody: string) {
  const indented = yamlBody.split('\n').map((l) => '  ' + l).join('\n');
  return parseConfigText(`alerting:\n${indented}\n`, 'test', {}).alerting;
}

export interface Harness { notifier: Notifier; clock: FakeClock; host: TestHost }

export async function startNotifier(yamlBody: string, opts: { clock?: FakeClock; host?: TestHost; options?: NotifierOptions } = {}): Promise<Harness> {
  const clock = opts.clock ?? new FakeClock();
  const host = opts.host ?? testHost();
  const notifier = new Notifier(alertingConfig(yamlBody), { now: clock.now, timers: clock, delivery: FAST_DELIVERY, ...opts.options });
  await notifier.start(host);
  return { notifier, clock, host };
}

export function alert(labels: Record<string, string>, clock: FakeClock, extra: Partial<PostableAlert> = {}): PostableAlert {
  return {
    labels,
    annotations: { summary: `${labels.alertname} is firing` },
    startsAt: new Date(clock.t).toISOString(),
    endsAt: new Date(clock.t + 3600_000).toISOString(),
    generatorURL: 'http://lookout:9464/graph?g0.expr=up',
    ...extra,
  };
}

/** Advances the fake clock and waits until the flushes it started have finished. */
export async function advance(h: Harness, ms: number): Promise<void> {
  h.clock.advance(ms);
  await h.notifier.settled();
}

export interface ApiServer {
  base: string;
  /** A JSON request to the API; the answer's status and parsed body. */
  json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** Serves alertingApiRouter(notifier) on a free loopback port. */
export async function startApiServer(notifier: Notifier): Promise<ApiServer> {
  const app = express();
  app.use(alertingApiRouter(notifier));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    async json(method, p, body) {
      const res = await fetch(base + p, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Mocha fixture: a webhook Recorder started before each test and stopped
 * after it, and the test's notifier (assigned to `h`) shut down with its host.
 */
export function recorderFixture(): { rec: Recorder; h?: Harness } {
  const f = {} as { rec: Recorder; h?: Harness };
  beforeEach(async () => { f.rec = await new Recorder().start(); });
  afterEach(async () => {
    await f.h?.notifier.shutdown();
    await f.h?.host.cleanup();
    f.h = undefined;
    await f.rec.stop();
  });
  return f;
}
