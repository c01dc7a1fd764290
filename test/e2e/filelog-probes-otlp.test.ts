/**
 * The new receivers beside OTLP: one agent with OTLP/gRPC, filelog and
 * probes. Logs from the real OTel SDK (over gRPC) and from a JSON log file
 * reach the same upstream and the same local counts (logmetrics), the
 * probes' series sit in the same store, and one user rule sees them all.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OtlpSink } from '../helpers/otlp-sink';
import { freePort, startAgent, type AgentProcess } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';

async function query(agent: AgentProcess, q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const body = await (await fetch(`${agent.adminUrl}/api/v1/query?query=${encodeURIComponent(q)}`)).json() as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data.result;
}

describe('e2e: filelog and probes beside OTLP/gRPC', function () {
  this.timeout(60_000);
  let sink: OtlpSink;
  let app: http.Server;
  let dir: string;
  let agent: AgentProcess | undefined;

  before(async () => {
    sink = await new OtlpSink().start();
    app = http.createServer((_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-mixed-e2e-'));
  });
  after(async () => {
    await agent?.stop('SIGKILL');
    await sink.stop();
    app.closeAllConnections();
    await new Promise((r) => app.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('SDK logs over gRPC and file logs share the upstream and logmetrics; probes feed the same rules', async () => {
    const grpcPort = await freePort();
    const rules = path.join(dir, 'mixed.rules.yaml');
    writeFileSync(rules, [
      'groups:',
      '  - name: mixed',
      '    interval: 1s',
      '    rules:',
      '      - record: mixed:errors_and_probes',
      '        expr: sum(log_records_total{severity_text="ERROR"}) + sum(probe_success)',
    ].join('\n'));
    const logFile = path.join(dir, 'app.log');
    writeFileSync(logFile, '');
    agent = await startAgent({
      receivers: {
        otlp: { http: { endpoint: `127.0.0.1:${await freePort()}` }, grpc: { endpoint: `127.0.0.1:${grpcPort}` } },
        filelog: {
          include: [logFile], start_at: 'beginning', poll_interval: '50ms', resource: { 'service.name': 'py-app' },
          operators: [{ type: 'json_parser', severity: { parse_from: 'attributes.level' } }],
        },
        probes: { interval: '1s', timeout: '500ms', targets: [{ target: `http://127.0.0.1:${(app.address() as AddressInfo).port}/health` }] },
      },
      exporters: { otlp: { endpoint: sink.url, compression: 'none', batch: { timeout: '20ms' } } },
      rules: { files: [rules] },
    });

    appendFileSync(logFile, `${JSON.stringify({ level: 'error', msg: 'file error 1' })}\n${JSON.stringify({ level: 'error', msg: 'file error 2' })}\n`);
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'node-app' }),
      processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `http://127.0.0.1:${grpcPort}` }) })],
    });
    const logger = provider.getLogger('mixed');
    for (let i = 0; i < 3; i++) logger.emit({ body: `sdk error ${i}`, severityNumber: SeverityNumber.ERROR, severityText: 'ERROR' });
    await provider.forceFlush();
    await provider.shutdown();

    const a = agent;
    const services = () => new Set(sink.of('logs').flatMap((d) => d.resourceLogs.map((rl) => rl.resource?.attributes?.find((x) => x.key === 'service.name')?.value?.stringValue)));
    await waitFor(() => services().has('py-app') && services().has('node-app'), { what: 'both services upstream' });
    const counts = await waitFor(async () => {
      const r = await query(a, 'sum by (service_name) (log_records_total{severity_text="ERROR"})');
      const m = Object.fromEntries(r.map((x) => [x.metric.service_name, x.value[1]]));
      return m['py-app'] === '2' && m['node-app'] === '3' ? m : undefined;
    }, { what: 'error counts for both services' });
    assert.deepEqual(counts, { 'py-app': '2', 'node-app': '3' });
    const recorded = await waitFor(async () => {
      const r = await query(a, 'mixed:errors_and_probes');
      return r.length === 1 && r[0].value[1] === '6' ? r : undefined;
    }, { what: 'the recording rule over logs from both receivers and the probe' });
    assert.equal(recorded[0].value[1], '6');
  });
});
