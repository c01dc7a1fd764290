/**
 * Issue 8 item 6: garbage in alerting.db (and its -wal) and in rules.db
 * used to make `lookout run` exit 1 with "file is not a database" — a crash
 * loop that also stopped OTLP forwarding. Now the agent starts, moves the
 * files aside, logs their paths, counts them, and forwards.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OtlpSink } from '../helpers/otlp-sink';
import { startAgent, type AgentProcess } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';

const GARBAGE = Buffer.from('this is not a database '.repeat(300));

describe('e2e: corrupt state files never stop the agent', function () {
  this.timeout(60_000);
  let sink: OtlpSink;
  let agent: AgentProcess | undefined;
  let data: string;

  before(async () => {
    sink = await new OtlpSink().start();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-corrupt-'));
    data = path.join(dir, 'data');
    mkdirSync(data, { recursive: true });
    writeFileSync(path.join(data, 'alerting.db'), GARBAGE);
    writeFileSync(path.join(data, 'alerting.db-wal'), GARBAGE);
    writeFileSync(path.join(data, 'rules.db'), GARBAGE);
    agent = await startAgent({
      exporters: { otlp: { endpoint: sink.url, encoding: 'json', compression: 'none', batch: { timeout: '50ms' } } },
      alerting: { route: { receiver: 'null' }, receivers: [{ name: 'null' }] },
    }, { dir });
  });
  after(async () => {
    await agent?.stop();
    await sink.stop();
  });

  it('starts, sets each file aside as <name>.corrupt-<timestamp> (with its -wal) and logs both paths', () => {
    const files = readdirSync(data);
    const alerting = files.find((f) => /^alerting\.db\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/.test(f));
    const rules = files.find((f) => /^rules\.db\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/.test(f));
    assert.ok(alerting, files.join(' '));
    assert.ok(rules, files.join(' '));
    assert.ok(files.includes(`${alerting}-wal`), files.join(' '));
    assert.deepEqual(readFileSync(path.join(data, alerting)), GARBAGE, 'the original bytes are kept for inspection');
    for (const db of ['alerting', 'rules']) {
      const line = agent!.logs().find((l) => l.db === db && l.movedTo);
      assert.ok(line, `no log line for ${db}:\n${agent!.output()}`);
      assert.equal(line.file, path.join(data, `${db}.db`));
      assert.equal(line.movedTo, path.join(data, db === 'alerting' ? alerting : rules));
      assert.equal(line.level, 'error');
    }
  });

  it('counts them in lookout_state_db_corrupt_total{db}', async () => {
    const text = await waitFor(async () => {
      const t = await (await fetch(`${agent!.adminUrl}/metrics`)).text();
      return /lookout_state_db_corrupt_total\{[^}]*db="rules"[^}]*\} 1\b/.test(t) && t;
    }, { what: 'the corrupt-db counter in /metrics' });
    assert.match(text, /lookout_state_db_corrupt_total\{[^}]*db="alerting"[^}]*\} 1\b/);
  });

  it('keeps forwarding OTLP and serving the alerting API on fresh databases', async () => {
    const span = {
      resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ spans: [{
        traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'after-corruption', kind: 1,
        startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n), endTimeUnixNano: String(BigInt(Date.now() + 5) * 1_000_000n),
      }] }] }],
    };
    const res = await fetch(`${agent!.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(span) });
    assert.equal(res.status, 200);
    await waitFor(() => sink.of('traces').some((t) => JSON.stringify(t).includes('after-corruption')), { what: 'the span upstream' });
    const silences = await fetch(`${agent!.adminUrl}/api/v2/silences`);
    assert.equal(silences.status, 200);
    assert.deepEqual(await silences.json(), []);
  });
});
