/**
 * receivers.filelog end to end: a child process writes JSON log lines and
 * rotates its file mid-stream, first by rename (writing a few late lines
 * to the renamed file), then by copy-truncate; the agent is SIGKILLed in
 * between and restarted on the same storage.dir. Upstream (an OTLP sink
 * behind the real exporter with its durable queue) must receive every line
 * exactly once, in order, with timestamp, severity and trace/span ids parsed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Long from 'long';
import { OtlpSink } from '../helpers/otlp-sink';
import { freePort, startAgent, type AgentProcess } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';

const LINES = 1400;
const RENAME_AT = 400;
const COPYTRUNCATE_AT = 900;
const BASE_MS = Date.parse('2026-12-02T10:00:00Z');
const LEVELS = ['debug', 'info', 'warning', 'error'];
const LEVEL_NUMBERS = [5, 9, 13, 17];

/** The app: one JSON line every ~2 ms through a long-lived descriptor, rotating as logrotate would. */
const WRITER = `
const fs = require('node:fs');
const path = require('node:path');
const [dir, lines, renameAt, copyAt, base] = process.argv.slice(1).map((v, i) => i === 0 ? v : Number(v));
const file = path.join(dir, 'app.log');
let fd = fs.openSync(file, 'a');
const levels = ${JSON.stringify(LEVELS)};
const line = (i) => JSON.stringify({
  time: new Date(base + i).toISOString().replace('Z', '123Z'), level: levels[i % 4], msg: 'request ' + i, seq: i,
  trace_id: (i + 1).toString(16).padStart(32, 'a'), span_id: (i + 1).toString(16).padStart(16, 'b'),
}) + '\\n';
let i = 0;
const step = () => {
  if (i === renameAt) {
    fs.renameSync(file, file + '.1');
    for (let k = 0; k < 5; k++) fs.writeSync(fd, line(i++)); // late lines land in the renamed file
    fs.closeSync(fd);
    fd = fs.openSync(file, 'a');
  }
  if (i === copyAt) {
    fs.copyFileSync(file, file + '.2');
    fs.ftruncateSync(fd, 0);
  }
  if (i >= lines) { fs.closeSync(fd); return; }
  fs.writeSync(fd, line(i++));
  setTimeout(step, 2);
};
step();
`;

interface Seen { seq: number; time: string; severityNumber: number; severityText: string; traceId: string; spanId: string }

function seen(sink: OtlpSink): Seen[] {
  const out: Seen[] = [];
  for (const req of sink.of('logs')) for (const rl of req.resourceLogs) for (const sl of rl.scopeLogs) for (const r of sl.logRecords) {
    const seq = Number(r.attributes!.find((a) => a.key === 'seq')!.value!.intValue);
    out.push({
      seq,
      time: Long.fromValue(r.timeUnixNano as Long).toString(),
      severityNumber: r.severityNumber ?? 0,
      severityText: r.severityText ?? '',
      traceId: Buffer.from(r.traceId ?? []).toString('hex'),
      spanId: Buffer.from(r.spanId ?? []).toString('hex'),
    });
  }
  return out;
}

describe('e2e: filelog receiver across rotation and SIGKILL', function () {
  this.timeout(120_000);
  let sink: OtlpSink;
  let logDir: string;
  const agents: AgentProcess[] = [];

  beforeEach(async () => {
    sink = await new OtlpSink().start();
    logDir = mkdtempSync(path.join(os.tmpdir(), 'lookout-filelog-e2e-'));
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop('SIGKILL');
    await sink.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('every line exactly once, in order, parsed', async () => {
    const otlpPort = await freePort();
    const adminPort = await freePort();
    const config = {
      receivers: {
        otlp: { http: { endpoint: `127.0.0.1:${otlpPort}` } },
        filelog: {
          include: [path.join(logDir, 'app.log*')],
          start_at: 'beginning',
          poll_interval: '50ms',
          resource: { 'service.name': 'py-app' },
          operators: [{
            type: 'json_parser',
            timestamp: { parse_from: 'attributes.time', layout: '%Y-%m-%dT%H:%M:%S.%f%z' },
            severity: { parse_from: 'attributes.level' },
            trace: {},
          }],
        },
      },
      exporters: { otlp: { endpoint: sink.url, compression: 'none', batch: { timeout: '20ms' }, retry_on_failure: { initial_interval: '50ms', max_interval: '200ms' } } },
    };
    let agent = await startAgent(config, { otlpPort, adminPort });
    agents.push(agent);
    const writer = spawn(process.execPath, ['-e', WRITER, logDir, String(LINES), String(RENAME_AT), String(COPYTRUNCATE_AT), String(BASE_MS)], { stdio: 'inherit' });
    const writerDone = new Promise<number | null>((resolve) => writer.on('exit', resolve));

    // Kill while lines keep coming: first make the upstream hold requests, so that no batch is
    // answered 200 and then lost to the kill before the exporter recorded it (that is the
    // exporter's at-least-once, tested elsewhere); a held request proves the previous one finished.
    await waitFor(() => seen(sink).length >= RENAME_AT + 100, { timeoutMs: 30_000, what: 'lines past the rename' });
    const held = sink.requestCount;
    sink.script.push(...Array.from({ length: 1000 }, () => ({ hang: true })));
    await waitFor(() => sink.requestCount > held, { timeoutMs: 10_000, what: 'a held request' });
    await agent.stop('SIGKILL');
    sink.script.length = 0;
    agent = await startAgent(config, { dir: agent.dir, otlpPort, adminPort });
    agents.push(agent);

    assert.equal(await writerDone, 0);
    await waitFor(() => seen(sink).length >= LINES, { timeoutMs: 60_000, what: `all ${LINES} lines upstream (have ${seen(sink).length})` });
    // Anything still in flight would show up as a duplicate: give the pipeline a few polls.
    await new Promise((r) => setTimeout(r, 500));
    const got = seen(sink);
    const seqs = got.map((s) => s.seq);
    const dupes = seqs.filter((s, i) => seqs.indexOf(s) !== i);
    assert.deepEqual(dupes, [], 'no line twice');
    assert.deepEqual(seqs, Array.from({ length: LINES }, (_, i) => i), 'every line once, in order');
    // The same logs pipeline as OTLP logs: logmetrics counts them into the local store.
    const counted = await waitFor(async () => {
      const res = await fetch(`${agent.adminUrl}/api/v1/query?query=${encodeURIComponent('sum by (severity_text) (log_records_total{service_name="py-app"})')}`);
      const body = await res.json() as { data: { result: { metric: { severity_text: string } }[] } };
      return body.data.result.length === 4 ? body.data.result.map((r) => r.metric.severity_text).sort() : undefined;
    }, { what: 'log_records_total for py-app by severity' });
    assert.deepEqual(counted, ['DEBUG', 'ERROR', 'INFO', 'WARN']);
    for (const s of got) {
      const expectedNs = (BigInt(BASE_MS + s.seq) * 1_000_000n + 123_000n).toString();
      assert.equal(s.time, expectedNs, `timestamp of line ${s.seq}`);
      assert.equal(s.severityText, LEVELS[s.seq % 4]);
      assert.equal(s.severityNumber, LEVEL_NUMBERS[s.seq % 4]);
      assert.equal(s.traceId, (s.seq + 1).toString(16).padStart(32, 'a'));
      assert.equal(s.spanId, (s.seq + 1).toString(16).padStart(16, 'b'));
    }
  });
});
