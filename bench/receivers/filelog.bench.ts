/**
 * filelog receiver throughput, lines/s, against JSON.parse of the same lines
 * (the floor of any JSON log parser in JS):
 *
 *   JSON.parse               the lines alone
 *   json_parser              + attributes, strptime timestamp, severity, trace/span ids
 *   regex_parser             a named-group RE2 regex (agent/regex) with an epoch timestamp
 *   receiver end to end      a real file: read, split, parse, batches of 1000 to a no-op consumer, checkpoint per batch
 *
 * Not part of `npm test`. Run: npx tsx bench/receivers/filelog.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import express from 'express';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Consumer, Host } from '../../agent/component/component';
import type { LogRecord } from '../../agent/otlp/model';
import { FilelogReceiver, filelogConfigSchema } from '../../agent/receivers/filelog';
import { Operator } from '../../agent/receivers/filelog/operators';
import { timeLoop } from '../timing';

const LEVELS = ['debug', 'info', 'warning', 'error'];
function jsonLine(i: number): string {
  return JSON.stringify({
    time: new Date(1_764_670_000_000 + i).toISOString(), level: LEVELS[i % 4], logger: 'app.http', msg: `GET /items/${i} 200`,
    trace_id: (i + 1).toString(16).padStart(32, 'a'), span_id: (i + 1).toString(16).padStart(16, 'b'), duration_ms: i % 97,
  });
}
function textLine(i: number): string {
  return `${1_764_670_000 + i}.123 ${LEVELS[i % 4].toUpperCase()} trace=${(i + 1).toString(16).padStart(32, 'a')} GET /items/${i} 200`;
}

function ops(cfg: unknown[]): Operator[] {
  return filelogConfigSchema.parse({ include: ['x'], operators: cfg }).operators.map((o, i) => new Operator(o, i));
}

function perLine(lines: string[], seconds: number, fn: (line: string) => void): number {
  let i = 0;
  const batch = 100;
  return timeLoop(() => { for (let k = 0; k < batch; k++) fn(lines[(i++) % lines.length]); }, seconds) * batch;
}

export async function run(seconds = 2): Promise<void> {
  const json = Array.from({ length: 10_000 }, (_, i) => jsonLine(i));
  const text = Array.from({ length: 10_000 }, (_, i) => textLine(i));
  const noErr = () => undefined;
  const [jsonOp] = ops([{
    type: 'json_parser',
    timestamp: { parse_from: 'attributes.time', layout: '%Y-%m-%dT%H:%M:%S.%L%z' },
    severity: { parse_from: 'attributes.level' },
    trace: {},
  }]);
  const [regexOp] = ops([{
    type: 'regex_parser',
    regex: '^(?P<ts>\\S+) (?P<sev>[A-Z]+) trace=(?P<trace_id>[0-9a-f]{32}) (?P<msg>.*)$',
    timestamp: { parse_from: 'attributes.ts', layout_type: 'epoch', layout: 's.ms' },
    severity: { parse_from: 'attributes.sev' },
    trace: {},
  }]);
  const floor = perLine(json, seconds, (l) => JSON.parse(l));
  const parsed = perLine(json, seconds, (l) => {
    const rec: LogRecord = { body: { stringValue: l }, attributes: [] };
    jsonOp.apply(rec, noErr);
  });
  const regex = perLine(text, seconds, (l) => {
    const rec: LogRecord = { body: { stringValue: l }, attributes: [] };
    regexOp.apply(rec, noErr);
  });

  // End to end through a real file and the receiver's own poll.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-filelog-bench-'));
  const LINES = 200_000;
  writeFileSync(path.join(dir, 'app.log'), json.length ? Array.from({ length: LINES }, (_, i) => `${jsonLine(i)}\n`).join('') : '');
  let received = 0;
  const sink: Consumer = { consume: async (_s, data) => { received += (data as { resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[] }).resourceLogs[0].scopeLogs[0].logRecords.length; } };
  const cfg = filelogConfigSchema.parse({
    include: [path.join(dir, '*.log')], start_at: 'beginning', poll_interval: '1h',
    operators: [{ type: 'json_parser', timestamp: { parse_from: 'attributes.time', layout: '%Y-%m-%dT%H:%M:%S.%L%z' }, severity: { parse_from: 'attributes.level' }, trace: {} }],
  });
  const provider = new MeterProvider();
  const host: Host = {
    logger: pino({ level: 'silent' }), meter: provider.getMeter('bench'), adminRouter: express.Router(),
    registerMetricsSource: () => undefined, storageDir: dir,
  };
  const receiver = new FilelogReceiver('filelog', cfg, sink, { baseDir: dir });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await receiver.start(host);
  while (received < LINES) await receiver.pollOnce();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await receiver.shutdown();
  // Idle cost: polls of an unchanged file.
  const idle = new FilelogReceiver('filelog-idle', cfg, sink, { baseDir: dir });
  await idle.start(host);
  await idle.pollOnce();
  const idleCpu0 = process.cpuUsage();
  const POLLS = 200;
  for (let i = 0; i < POLLS; i++) await idle.pollOnce();
  const idleCpu = process.cpuUsage(idleCpu0);
  await idle.shutdown();
  await provider.shutdown();
  rmSync(dir, { recursive: true, force: true });

  const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} lines/s`;
  console.log(`JSON.parse (floor)        ${fmt(floor)}`);
  console.log(`json_parser + ts/sev/ids  ${fmt(parsed)}  (${(parsed / floor).toFixed(2)} x floor)`);
  console.log(`regex_parser + ts/sev/id  ${fmt(regex)}  (${(regex / floor).toFixed(2)} x floor)`);
  console.log(`receiver end to end       ${fmt(LINES / secs)}  (${LINES} lines from one file, ${((cpu.user + cpu.system) / 1000 / secs / 10).toFixed(0)} % of a core)`);
  const perPollMs = (idleCpu.user + idleCpu.system) / 1000 / POLLS;
  console.log(`idle poll (1 file)        ${perPollMs.toFixed(3)} ms CPU per poll = ${(perPollMs / 200 * 100).toFixed(2)} % of a core at poll_interval 200ms`);
}

if (require.main === module) run(Number(process.env.LOOKOUT_BENCH_SECONDS ?? 2)).catch((err) => { console.error(err); process.exitCode = 1; });
