/**
 * Hot reload on the real `lookout run` process: SIGHUP and POST /-/reload
 * re-read the config and rule files. A valid change takes effect (a new
 * rule fires, a new receiver gets it) while alert state (activeAt, no
 * re-notification), silences and the exporter's queued data are kept; a
 * change the process cannot apply in place is reported as needing a
 * restart; an invalid change is refused with every problem logged, the old
 * config still running and lookout_config_last_reload_successful at 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort, startAgent, type AgentProcess } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';
import { Recorder } from '../agent/notify/recorder';

interface PromAlert { labels: Record<string, string>; state: string; activeAt: string }

function metric(text: string, name: string, labels = ''): number | undefined {
  const re = new RegExp(`^${name}(\\{[^}]*${labels}[^}]*\\})? (\\S+)$`, 'm');
  const m = re.exec(text);
  return m ? Number(m[2]) : undefined;
}

const group = (rules: unknown[]) => stringify({ groups: [{ name: 'g', rules }] });
const alwaysA = { alert: 'AlwaysA', expr: 'vector(1)' };
const pendingP = { alert: 'PendingP', expr: 'vector(1)', for: '1h' };
const alwaysB = { alert: 'AlwaysB', expr: 'vector(2)' };

describe('hot reload (SIGHUP, POST /-/reload)', function () {
  this.timeout(120_000);
  let agent: AgentProcess;
  let hook1: Recorder;
  let hook2: Recorder;
  let dir: string;
  let base: Record<string, unknown>;
  const metrics = async () => (await fetch(`${agent.adminUrl}/metrics`)).text();
  const alerts = async () => ((await (await fetch(`${agent.adminUrl}/api/v1/alerts`)).json()) as { data: { alerts: PromAlert[] } }).data.alerts;
  const namesIn = (r: Recorder) => r.requests.flatMap((q) => (q.body as { alerts: { labels: { alertname: string } }[] }).alerts.map((a) => a.labels.alertname));
  const writeConfig = (c: Record<string, unknown>) => writeFileSync(path.join(dir, 'lookout.yaml'), stringify(c));

  before(async () => {
    hook1 = await new Recorder().start();
    hook2 = await new Recorder().start();
    dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-reload-'));
    writeFileSync(path.join(dir, 'rules.yaml'), group([alwaysA, pendingP]));
    const otlpPort = await freePort();
    const adminPort = await freePort();
    base = {
      receivers: { otlp: { http: { endpoint: `127.0.0.1:${otlpPort}` } } },
      admin: { endpoint: `127.0.0.1:${adminPort}` },
      storage: { dir: path.join(dir, 'data') },
      log: { level: 'info' },
      // A dead upstream: what is queued stays queued (retried forever, one batch of one span in flight).
      exporters: { otlp: { endpoint: `http://127.0.0.1:${await freePort()}`, encoding: 'json', batch: { send_batch_size: 1, timeout: '10ms' }, retry_on_failure: { max_elapsed_time: '0s', initial_interval: '50ms', max_interval: '100ms' } } },
      rules: { files: ['rules.yaml'], evaluation_interval: '1s', default_pack: { enabled: false } },
      alerting: {
        route: { receiver: 'hook1', group_wait: '0s', group_interval: '1s', repeat_interval: '1h', group_by: ['alertname'] },
        receivers: [{ name: 'hook1', webhook_configs: [{ url: `${hook1.url}/1` }] }],
      },
    };
    agent = await startAgent(base, { dir, otlpPort, adminPort });
  });

  after(async () => {
    await agent?.stop();
    await hook1?.stop();
    await hook2?.stop();
  });

  it('a valid change by SIGHUP: the new rule fires to the new receiver; alert state, silences and queued data are kept', async () => {
    await waitFor(() => namesIn(hook1).includes('AlwaysA'), { what: 'AlwaysA at hook1' });
    const before = await waitFor(async () => {
      const list = await alerts();
      return list.some((a) => a.labels.alertname === 'PendingP' && a.state === 'pending') && list;
    }, { what: 'PendingP pending' });
    const silence = await (await fetch(`${agent.adminUrl}/api/v2/silences`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: [{ name: 'alertname', value: 'Nothing', isRegex: false }], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: 't', comment: 'kept' }),
    })).json() as { silenceID: string };
    for (let i = 0; i < 4; i++) {
      const span = { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: `eee19b7ec3c1b17${i}`, name: `op${i}`, kind: 2, startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] };
      const r = await fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(span) });
      assert.equal(r.status, 200);
    }
    const queued = await waitFor(async () => {
      const v = metric(await metrics(), 'lookout_exporter_queue_size', 'signal="traces"');
      return v !== undefined && v >= 2 && v;
    }, { what: 'spans waiting in the exporter queue' });
    const hook1Before = hook1.requests.length;

    writeFileSync(path.join(dir, 'rules.yaml'), group([alwaysA, pendingP, alwaysB]));
    writeConfig({
      ...base,
      exporters: { otlp: { ...(base.exporters as { otlp: object }).otlp, timeout: '3s', headers: { 'x-reloaded': 'yes' } } },
      alerting: {
        route: { receiver: 'hook1', group_wait: '0s', group_interval: '1s', repeat_interval: '1h', group_by: ['alertname'], routes: [{ matchers: ['alertname="AlwaysB"'], receiver: 'hook2' }] },
        receivers: [{ name: 'hook1', webhook_configs: [{ url: `${hook1.url}/1` }] }, { name: 'hook2', webhook_configs: [{ url: `${hook2.url}/2` }] }],
      },
    });
    agent.child.kill('SIGHUP');
    await waitFor(() => /"msg":"config reloaded"/.test(agent.output()), { what: 'the reload log line' });
    await waitFor(() => namesIn(hook2).includes('AlwaysB'), { what: 'AlwaysB at the new receiver hook2' });

    const after = await alerts();
    for (const name of ['AlwaysA', 'PendingP']) {
      const was = before.find((a) => a.labels.alertname === name);
      const now = after.find((a) => a.labels.alertname === name);
      assert.ok(was && now, name);
      assert.equal(now.activeAt, was.activeAt, `${name} kept its activeAt`);
      assert.equal(now.state, was.state, `${name} kept its state`);
    }
    assert.ok(!namesIn(hook2).includes('AlwaysA'), 'AlwaysA still routes to hook1 only');
    assert.equal(hook1.requests.slice(hook1Before).filter((q) => JSON.stringify(q.body).includes('AlwaysA')).length, 0, 'AlwaysA was not notified again');
    const silences = await (await fetch(`${agent.adminUrl}/api/v2/silences`)).json() as { id: string }[];
    assert.ok(silences.some((s) => s.id === silence.silenceID), 'the silence survived');
    const text = await metrics();
    assert.equal(metric(text, 'lookout_exporter_queue_size', 'signal="traces"'), queued, 'the queued spans are still queued');
    assert.equal(metric(text, 'lookout_config_last_reload_successful'), 1);
  });

  it('POST /-/reload reports a change it cannot apply in place as "needs restart"', async () => {
    const ts0 = metric(await metrics(), 'lookout_config_last_reload_success_timestamp_seconds');
    assert.ok(ts0 && ts0 > 1e9);
    const current = (await import('yaml')).parse((await import('node:fs')).readFileSync(path.join(dir, 'lookout.yaml'), 'utf8')) as Record<string, unknown>;
    writeConfig({ ...current, receivers: { otlp: { http: { endpoint: `127.0.0.1:${await freePort()}` } } } });
    const r = await fetch(`${agent.adminUrl}/-/reload`, { method: 'POST' });
    const text = await r.text();
    assert.equal(r.status, 200, text);
    assert.match(text, /needs restart to apply: receivers/);
    assert.match(agent.output(), /these changes need a restart to take effect: receivers/);
    const ok = await fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceSpans":[]}' });
    assert.equal(ok.status, 200, 'the receiver still listens where it did');
    writeConfig(current);
  });

  it('an invalid change is refused: every problem logged as path: message, the old config keeps running, the metric is 0', async () => {
    const current = (await import('yaml')).parse((await import('node:fs')).readFileSync(path.join(dir, 'lookout.yaml'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(dir, 'rules.yaml'), group([alwaysA, { alert: 'Broken', expr: 'sum(' }]));
    writeConfig({ ...current, alerting: { ...(current.alerting as object), route: { receiver: 'nobody' } }, log: { levle: 'debug' } });
    const r = await fetch(`${agent.adminUrl}/-/reload`, { method: 'POST' });
    assert.equal(r.status, 500);
    const line = await waitFor(() => agent.logs().find((l) => String(l.msg).startsWith('config reload failed')), { what: 'the failure log line' });
    const msg = String(line.msg);
    assert.match(msg, /log\.levle: unknown key/);
    assert.match(msg, /alerting\.route\.receiver: undefined receiver "nobody"/);
    const text = await metrics();
    assert.equal(metric(text, 'lookout_config_last_reload_successful'), 0);
    const rules = await (await fetch(`${agent.adminUrl}/api/v1/rules`)).json() as { data: { groups: { rules: { name: string }[] }[] } };
    const names = rules.data.groups.flatMap((g) => g.rules.map((x) => x.name));
    assert.deepEqual(names.sort(), ['AlwaysA', 'AlwaysB', 'PendingP'], 'the previous rules still run');
    // The rule file problem is reported too, once the config itself is valid.
    writeConfig(current);
    const r2 = await fetch(`${agent.adminUrl}/-/reload`, { method: 'POST' });
    assert.equal(r2.status, 500);
    assert.match(await r2.text(), /rules\.files: .*rules\.yaml.*Broken/s);
    assert.equal(metric(await metrics(), 'lookout_config_last_reload_successful'), 0);
  });
});
