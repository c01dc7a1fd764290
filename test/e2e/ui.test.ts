/**
 * End to end, the web UI in headless Chromium against a real agent: the
 * demo app (instrumented through the injected preload) is driven into
 * errors until a local rule fires; the page must show the same numbers as
 * /metrics, the firing alert, create a silence that really silences it in
 * /api/v2/alerts, draw a graph, and show rule health. Screenshots go to
 * .scratch/ui-screenshots (docs/ui-*.png are copies of two of them).
 * A prom-client registry served locally is scraped (receivers.prometheus), so
 * the Targets page has a real target to show.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcrypt';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Counter, Registry } from 'prom-client';
import { freePort, startAgent, type AgentProcess } from '../helpers/agent-process';
import { repoRoot } from '../helpers/repo';
import { OtlpSink } from '../helpers/otlp-sink';
import { waitFor } from '../helpers/wait';
import { serveRegistry, type Served } from './scrape-harness';
import { stopAllApps } from '../instrumentation/helpers/preload-harness';
import { driveDemoApp, startDemoApp, type Driver } from '../helpers/demo-app';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(repoRoot, '.scratch/ui-screenshots');
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Fails loudly (never skips) when the browser or the built page is missing: CI must install chromium. */
function requirePrerequisites(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: the web UI test needs Debian's chromium package (apt-get install chromium; .ci/run installs it)`);
  if (!existsSync(path.join(repoRoot, 'dist/ui/index.html'))) throw new Error('dist/ui/index.html not found: run npm run build first (it builds the web UI)');
}

async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
}

/** Sum of a metric's samples in /metrics text whose label text contains every `must` fragment. */
function metricSum(text: string, name: string, must: string[] = []): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name || !must.every((f) => (m[2] ?? '').includes(f))) continue;
    sum = (sum ?? 0) + Number(m[3]);
  }
  return sum;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

interface AmAlertJson { labels: Record<string, string>; status: { state: string; silencedBy: string[] } }

describe('e2e: web UI in headless Chromium', function () {
  this.timeout(180_000);
  let agent: AgentProcess;
  let sink: OtlpSink;
  let scraped: Served;
  let browser: Browser;
  let page: Page;
  let drive: Driver | undefined;

  before(async () => {
    requirePrerequisites();
    sink = await new OtlpSink().start();
    const registry = new Registry();
    new Counter({ name: 'ui_test_requests_total', help: 'Requests.', registers: [registry] }).inc(3);
    scraped = await serveRegistry(registry);
    const otlpPort = await freePort();
    agent = await startAgent({
      receivers: {
        otlp: { http: { endpoint: `127.0.0.1:${otlpPort}` } },
        prometheus: { config: { scrape_configs: [{ job_name: 'ui-test-app', scrape_interval: '1s', static_configs: [{ targets: [scraped.address] }] }] } },
      },
      exporters: { otlp: { endpoint: sink.url, batch: { timeout: '50ms' } } },
      rules: { files: [path.join(repoRoot, 'test/e2e/testdata/demo-errors.rules.yaml')], evaluation_interval: '1s', default_pack: { enabled: false } },
      alerting: {
        route: { receiver: 'oncall', group_by: ['alertname', 'service_name'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [{ name: 'oncall' }],
      },
    }, { otlpPort });
    const demo = await startDemoApp(agent.otlpUrl, { DEMO_ERROR_RATE: '1' });
    drive = driveDemoApp(demo, (i) => (i % 2 === 0 ? '/simulate/error' : '/'), 25);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    await drive?.stop();
    await browser?.close();
    await stopAllApps();
    await agent?.stop();
    await sink?.stop();
    await scraped?.close();
  });

  const open = async (hash: string) => {
    // ?refresh=1: the page reloads its data every second, so waits stay short.
    await page.goto(`${agent.adminUrl}/?refresh=1#/${hash}`);
  };

  it('serves the page and its assets with content types and caching headers', async () => {
    const res = await fetch(`${agent.adminUrl}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await res.text();
    const js = /src="(\/ui\/assets\/main-[^"]+\.js)"/.exec(html)?.[1];
    const css = /href="(\/ui\/assets\/style-[^"]+\.css)"/.exec(html)?.[1];
    assert.ok(js && css, html);
    const jsRes = await fetch(`${agent.adminUrl}${js}`);
    assert.match(jsRes.headers.get('content-type') ?? '', /javascript/);
    assert.match(jsRes.headers.get('cache-control') ?? '', /max-age=31536000, immutable/);
    assert.match((await fetch(`${agent.adminUrl}${css}`)).headers.get('content-type') ?? '', /^text\/css/);
    assert.equal((await fetch(`${agent.adminUrl}/ui/assets/nope.js`)).status, 404);
    assert.doesNotMatch(html, /https?:\/\//, 'no external URL in the page');
  });

  it('shows the firing alert; a silence created from the page silences it in /api/v2/alerts', async () => {
    await waitFor(async () => {
      const alerts = await (await fetch(`${agent.adminUrl}/api/v2/alerts`)).json() as AmAlertJson[];
      return alerts.find((a) => a.labels.alertname === 'DemoErrorRatioHigh');
    }, { timeoutMs: 60_000, what: 'DemoErrorRatioHigh in /api/v2/alerts' });
    await open('overview');
    await page.locator('[data-verdict="crit"]', { hasText: '1 alert firing' }).waitFor({ timeout: 15_000 });
    await page.locator('[data-service="demo-app"]').waitFor({ timeout: 15_000 });
    await shot(page, 'overview-firing');
    await open('alerts');
    const card = page.locator('[data-alert="DemoErrorRatioHigh"][data-state="firing"]');
    await card.waitFor({ timeout: 15_000 });
    assert.match(await card.innerText(), /service_name=demo-app/);
    assert.match(await card.innerText(), /demo-app answers .*% of requests with errors/);
    await shot(page, 'alerts-firing');

    await card.locator('[data-silence]').click();
    const form = page.locator('.silence-form');
    await form.waitFor();
    // Pre-filled from the alert's labels.
    assert.equal(await form.locator('input[aria-label="service_name value"]').inputValue(), 'demo-app');
    assert.equal(await form.locator('input[aria-label="alertname value"]').inputValue(), 'DemoErrorRatioHigh');
    await form.locator('input[name="comment"]').fill('investigating, from the UI test');
    await shot(page, 'alerts-silence-form');
    await form.locator('[data-create-silence]').click();

    const silenced = await waitFor(async () => {
      const alerts = await (await fetch(`${agent.adminUrl}/api/v2/alerts`)).json() as AmAlertJson[];
      return alerts.find((a) => a.labels.alertname === 'DemoErrorRatioHigh' && a.status.state === 'suppressed' && a.status.silencedBy.length > 0);
    }, { timeoutMs: 15_000, what: 'the alert suppressed by the new silence' });
    const silences = await (await fetch(`${agent.adminUrl}/api/v2/silences`)).json() as { id: string; matchers: { name: string; value: string; isEqual: boolean; isRegex: boolean }[]; comment: string }[];
    const created = silences.find((s) => s.id === silenced.status.silencedBy[0])!;
    assert.equal(created.comment, 'investigating, from the UI test');
    assert.deepEqual(Object.fromEntries(created.matchers.map((m) => [m.name, m.value])), silenced.labels, 'matchers are the alert labels');
    assert.ok(created.matchers.every((m) => m.isEqual && !m.isRegex));
    await page.locator('[data-alert="DemoErrorRatioHigh"][data-state="silenced"]').waitFor({ timeout: 10_000 });
    await page.locator(`[data-silence-id="${created.id}"]`).waitFor();
    await shot(page, 'alerts-silenced');
  });

  it('overview numbers match /metrics', async () => {
    await open('overview');
    await page.locator('[data-verdict]').waitFor({ timeout: 15_000 });
    const ids: [string, string, string[]][] = [
      ['receiver-accepted-traces', 'lookout_receiver_accepted_items_total', ['signal="traces"']],
      ['receiver-accepted-metrics', 'lookout_receiver_accepted_items_total', ['signal="metrics"']],
      ['receiver-refused-traces', 'lookout_receiver_refused_items_total', ['signal="traces"']],
      ['alerts-firing', 'lookout_rule_alerts', ['state="firing"']],
      ['alerts-suppressed', 'lookout_alerts', ['state="suppressed"']],
      ['silences-active', 'lookout_silences', ['state="active"']],
      ['config-reload', 'lookout_config_last_reload_successful', []],
      ['store-series', 'lookout_store_series', []],
      ['exporter-sent-traces', 'lookout_exporter_sent_items_total', ['signal="traces"']],
      ['exporter-failed-traces', 'lookout_exporter_send_failed_items_total', ['signal="traces"']],
      ['exporter-queued-metrics', 'lookout_exporter_queue_size', ['signal="metrics"']],
    ];
    // Traffic keeps flowing, so every refresh shows new counts: compare what the page shows with the
    // /metrics bodies it fetched (parsed here independently), and the stable numbers with a fresh /metrics.
    const bodies: string[] = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname === '/metrics') void res.text().then((t) => { bodies.push(t); if (bodies.length > 5) bodies.shift(); }, () => undefined);
    });
    const expectedFrom = (text: string) => ids.map(([, name, must]) => String(metricSum(text, name, must) ?? ''));
    let last = '';
    await waitFor(async () => {
      const shown = await Promise.all(ids.map(async ([id]) => await page.locator(`[data-stat="${id}"]`).getAttribute('data-value', { timeout: 1000 }).catch(() => 'missing')));
      last = `page ${JSON.stringify(shown)} vs /metrics ${JSON.stringify(bodies.map(expectedFrom))}`;
      return bodies.some((b) => JSON.stringify(expectedFrom(b)) === JSON.stringify(shown));
    }, { timeoutMs: 20_000, intervalMs: 100, what: 'overview numbers equal to a /metrics body' }).catch((err: Error) => { throw new Error(`${err.message}: ${last}`); });
    const fresh = await (await fetch(`${agent.adminUrl}/metrics`)).text();
    for (const id of ['alerts-firing', 'alerts-suppressed', 'silences-active', 'config-reload']) {
      const i = ids.findIndex(([x]) => x === id);
      assert.equal(await page.getAttribute(`[data-stat="${id}"]`, 'data-value'), expectedFrom(fresh)[i], `${id} equals the current /metrics`);
    }
    assert.ok(Number(await page.getAttribute('[data-stat="receiver-accepted-traces"]', 'data-value')) > 0, 'spans were received');
    assert.ok(Number(await page.getAttribute('[data-stat="exporter-sent-traces"]', 'data-value')) > 0, 'spans were forwarded upstream');
    assert.equal(await page.getAttribute('[data-stat="alerts-suppressed"]', 'data-value'), '1');
    await page.locator('[data-service="demo-app"]').waitFor({ timeout: 15_000 });
    assert.match(await page.locator('[data-card="rules"]').innerText(), /e2e-demo/);
    // Refreshes update the DOM in place (no flicker): a node marked now is the same node after its number changed.
    const before = await page.getAttribute('[data-stat="receiver-accepted-metrics"]', 'data-value');
    await page.evaluate("document.querySelector('[data-stat=\"receiver-accepted-metrics\"]').lookoutMark = 1; document.querySelector('[data-card=\"receivers\"]').lookoutMark = 1");
    await waitFor(async () => (await page.getAttribute('[data-stat="receiver-accepted-metrics"]', 'data-value')) !== before, { timeoutMs: 15_000, what: 'a refresh with a new count' });
    assert.equal(await page.evaluate<number>("document.querySelector('[data-stat=\"receiver-accepted-metrics\"]').lookoutMark + document.querySelector('[data-card=\"receivers\"]').lookoutMark"), 2, 'same nodes, updated in place');
    await shot(page, 'overview');
  });

  it('the query page completes names and draws a graph of rate(traces_span_metrics_calls_total[1m])', async () => {
    await open('query?range=5m');
    const box = page.locator('.query-box textarea');
    await box.click();
    await box.pressSequentially('rate(traces_span_metrics_ca');
    const option = page.locator('.suggest li', { hasText: 'traces_span_metrics_calls_total' });
    await option.first().waitFor({ timeout: 10_000 });
    await box.press('Tab');
    assert.equal(await box.inputValue(), 'rate(traces_span_metrics_calls_total');
    await box.pressSequentially('[1m])');
    await box.press('Enter');
    // (page.waitForFunction would eval a string, which the page's CSP forbids: poll from here.)
    await waitFor(async () => decodeURIComponent(new URL(page.url()).hash).includes('expr=rate(traces_span_metrics_calls_total[1m])'), { what: 'the query in the URL' });
    const url = page.url();
    await page.locator('.chart canvas').waitFor({ timeout: 15_000 });
    assert.ok(Number(await page.getAttribute('.chart', 'data-series')) > 0, 'at least one series');
    // Non-empty canvas: pixels in the series colours (axes and grid are grey), i.e. lines were drawn.
    // The line grows as rate() gets points; the page redraws on each refresh, so wait for it.
    const paintedNow = () => page.evaluate<number>(`(() => {
      const palette = ['#3b82f6', '#ef4444', '#10b981', '#f59e0b', '#8b5cf6'].map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
      const c = document.querySelector('.chart canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 200 && palette.some(([r, g, b]) => Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 40)) n++;
      }
      return n;
    })()`);
    let painted = 0;
    await waitFor(async () => (painted = await paintedNow()) > 200, { timeoutMs: 30_000, intervalMs: 500, what: 'series lines drawn on the canvas' })
      .catch(() => undefined);
    assert.ok(painted > 200, `pixels in series colours: ${painted}`);
    await shot(page, 'query-graph');
    // The URL alone reproduces the view (shareable).
    const other = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await other.goto(url);
      await other.locator('.chart canvas').waitFor({ timeout: 15_000 });
      assert.equal(await other.locator('.query-box textarea').inputValue(), 'rate(traces_span_metrics_calls_total[1m])');
      await other.screenshot({ path: path.join(SHOTS, 'query-phone.png'), fullPage: true });
    } finally {
      await other.close();
    }
    // Label names and values complete inside a selector.
    await box.fill('');
    await box.pressSequentially('traces_span_metrics_calls_total{servi');
    await page.locator('.suggest li', { hasText: 'service_name' }).first().waitFor({ timeout: 10_000 });
    await box.press('Tab');
    await box.pressSequentially('="de');
    await page.locator('.suggest li', { hasText: 'demo-app' }).first().waitFor({ timeout: 10_000 });
    await box.press('Enter');
    assert.equal(await box.inputValue(), 'traces_span_metrics_calls_total{service_name="demo-app"');
    await box.pressSequentially('}');
    await page.locator('[data-tab="table"]').click();
    const rows = page.locator('[data-result="table"] tbody tr');
    await rows.first().waitFor({ timeout: 15_000 });
    assert.match(await rows.first().innerText(), /traces_span_metrics_calls_total\{.*service_name="demo-app"/);
    assert.match(new URL(page.url()).hash, /tab=table/);
  });

  it('the rules page shows health and links each expression to the query view', async () => {
    await open('rules');
    const rule = page.locator('[data-rule="DemoErrorRatioHigh"]');
    await rule.waitFor({ timeout: 15_000 });
    assert.equal(await rule.getAttribute('data-health'), 'ok');
    assert.match(await rule.innerText(), /\bok\b/i);
    assert.match(await rule.innerText(), /firing/i);
    await shot(page, 'rules');
    await rule.locator('[data-graph]').click();
    await page.locator('.chart canvas').waitFor({ timeout: 15_000 });
    const hash = new URL(page.url()).hash;
    assert.match(hash, /^#\/query\?/);
    assert.match(new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).get('expr') ?? '', /^sum by \(service_name\) \(rate\(traces_span_metrics_calls_total/);
  });

  it('the targets page shows the scrape target up, and empty sections name their config key', async () => {
    await open('targets');
    const row = page.locator(`[data-target="${scraped.url}"]`);
    await row.waitFor({ timeout: 10_000 });
    await waitFor(async () => (await row.getAttribute('data-health')) === 'up', { timeoutMs: 10_000, what: 'the target up on the page' });
    const pool = page.locator('[data-pool="ui-test-app"]');
    assert.match(await pool.innerText(), /1\/1 up/i);
    assert.match(await pool.innerText(), /job=ui-test-app/);
    assert.match(await page.locator('[data-card="probes"]').innerText(), /receivers\.probes/);
    assert.match(await page.locator('[data-card="filelog"]').innerText(), /receivers\.filelog/);
    await shot(page, 'targets');
  });

  it('the overview shows the agent\'s own memory and event-loop delay from /metrics', async () => {
    await open('overview');
    const rss = page.locator('[data-card="agent"] [data-stat="agent-rss"]');
    await waitFor(async () => Number(await rss.getAttribute('data-value', { timeout: 10_000 })) > 0, { timeoutMs: 10_000, what: 'the agent\'s resident memory' });
    const shown = Number(await rss.getAttribute('data-value'));
    const now = metricSum(await (await fetch(`${agent.adminUrl}/metrics`)).text(), 'lookout_process_resident_memory_bytes');
    assert.ok(now !== undefined && Math.abs(shown - now) / now < 0.5, `page ${shown} bytes vs /metrics ${now}`);
    assert.match(await rss.innerText(), /[KMG]i?B/);
    assert.notEqual(await page.getAttribute('[data-stat="agent-loop-delay"]', 'data-value'), '', 'event-loop delay shown');
  });

  it('the config page shows the loaded config', async () => {
    await open('config');
    await page.locator('[data-config]').waitFor({ timeout: 10_000 });
    assert.match(await page.locator('[data-config]').innerText(), /demo-errors\.rules\.yaml/);
    await shot(page, 'config');
  });

  it('expiring the silence from the page makes the alert active again', async () => {
    await open('alerts');
    const silence = page.locator('[data-card="silences"] [data-silence-id]').first();
    await silence.waitFor({ timeout: 10_000 });
    const id = await silence.getAttribute('data-silence-id');
    await silence.locator('button', { hasText: 'Expire' }).click();
    await waitFor(async () => {
      const alerts = await (await fetch(`${agent.adminUrl}/api/v2/alerts`)).json() as AmAlertJson[];
      return alerts.find((a) => a.labels.alertname === 'DemoErrorRatioHigh' && a.status.state === 'active');
    }, { timeoutMs: 15_000, what: 'the alert active again' });
    const silences = await (await fetch(`${agent.adminUrl}/api/v2/silences`)).json() as { id: string; status: { state: string } }[];
    assert.equal(silences.find((s) => s.id === id)?.status.state, 'expired');
    await page.locator('[data-alert="DemoErrorRatioHigh"][data-state="firing"]').waitFor({ timeout: 10_000 });
  });

  it('on a phone-sized screen in dark mode, nothing overflows sideways', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    try {
      await phone.goto(`${agent.adminUrl}/#/overview`);
      await phone.locator('[data-verdict]').waitFor({ timeout: 15_000 });
      const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
      const bg = await phone.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      assert.equal(bg, 'rgb(15, 19, 24)', 'dark background');
      await phone.screenshot({ path: path.join(SHOTS, 'overview-phone-dark.png'), fullPage: true });
      const ready: Record<string, string> = { alerts: '[data-card="silences"]', rules: '[data-rule]', targets: '[data-target]' };
      for (const name of ['alerts', 'rules', 'targets']) {
        await phone.goto(`${agent.adminUrl}/#/${name}`);
        await phone.locator(ready[name]).first().waitFor({ timeout: 15_000 });
        const wider = await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        assert.ok(wider <= 0, `${name} page is ${wider}px wider than the screen`);
        await phone.screenshot({ path: path.join(SHOTS, `${name}-phone-dark.png`), fullPage: true });
      }
    } finally {
      await phone.close();
    }
  });
});

describe('e2e: web UI behind admin auth (protect_reads)', function () {
  this.timeout(60_000);
  let agent: AgentProcess;
  let browser: Browser;

  before(async () => {
    requirePrerequisites();
    const webConfig = path.join(mkdtempSync(path.join(os.tmpdir(), 'lookout-ui-auth-')), 'web-config.yaml');
    writeFileSync(webConfig, `basic_auth_users:\n  oncall: ${await bcrypt.hash('s3cret-pass', 4)}\n`);
    const adminPort = await freePort();
    agent = await startAgent({
      admin: { endpoint: `127.0.0.1:${adminPort}`, web_config_file: webConfig, auth: { protect_reads: true } },
      rules: { default_pack: { enabled: false } },
    }, { adminPort, waitReady: true });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await agent?.stop();
  });

  it('asks for credentials like the API, and the page works with the browser\'s basic auth', async () => {
    const anon = await fetch(`${agent.adminUrl}/`);
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic/);
    assert.equal((await fetch(`${agent.adminUrl}/ui/assets/x.js`)).status, 401, 'assets are reads too');
    const ctx = await browser.newContext({ httpCredentials: { username: 'oncall', password: 's3cret-pass' } });
    try {
      const page = await ctx.newPage();
      await page.goto(`${agent.adminUrl}/#/overview`);
      await page.locator('[data-verdict]').waitFor({ timeout: 15_000 });
      assert.equal(await page.getAttribute('[data-stat="config-reload"]', 'data-value'), '1');
      // A write from the page: the browser's credentials and application/json pass the guard.
      const status = await page.evaluate(async () => {
        const now = Date.now();
        const res = await fetch('/api/v2/silences', {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ matchers: [{ name: 'alertname', value: 'X', isRegex: false, isEqual: true }], startsAt: new Date(now).toISOString(), endsAt: new Date(now + 60_000).toISOString(), createdBy: 'ui', comment: 'auth test' }),
        });
        return res.status;
      });
      assert.equal(status, 200);
    } finally {
      await ctx.close();
    }
  });
});
