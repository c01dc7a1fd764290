/**
 * The HTTP prober: one request without redirects or keep-alive, timed per
 * phase with the socket's events the way blackbox's httptrace does:
 * resolve (DNS), connect (TCP), tls (handshake), processing (request
 * written to first response byte), transfer (first byte to end of body).
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { compileRegex } from '../../regex';
import type { ProbeTarget } from './config';
import { seconds, type ProbeResult, type ProbeSample } from './result';

const PHASES = ['resolve', 'connect', 'tls', 'processing', 'transfer'] as const;

export async function probeHttp(t: ProbeTarget, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  const cfg = t.http;
  const url = new URL(t.target);
  const tls = url.protocol === 'https:';
  const t0 = performance.now();
  const at: { lookup?: number; connect?: number; tls?: number; firstByte?: number; end?: number } = {};
  let status = 0;
  let contentLength = -1;
  let body = Buffer.alloc(0);
  let httpVersion = 0;
  let certExpiry: number | undefined;
  let reason: string | undefined;

  await new Promise<void>((resolve) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const abort = AbortSignal.any([signal, timeout]);
    const req = (tls ? https : http).request(url, {
      method: cfg.method,
      headers: { 'user-agent': 'Lookout-Probe', ...cfg.headers },
      agent: false,
      signal: abort,
      rejectUnauthorized: !cfg.insecure_skip_verify,
    });
    const fail = (why: string) => {
      reason ??= why;
      resolve();
    };
    req.on('socket', (s) => {
      s.once('lookup', () => { at.lookup = performance.now(); });
      s.once('connect', () => { at.connect = performance.now(); });
      s.once('secureConnect', () => {
        at.tls = performance.now();
        const cert = (s as import('node:tls').TLSSocket).getPeerCertificate?.();
        if (cert?.valid_to) certExpiry = Date.parse(cert.valid_to) / 1000;
      });
    });
    req.on('error', (err) => fail(timeout.aborted ? `timeout after ${timeoutMs} ms` : err.message));
    req.on('response', (res) => {
      at.firstByte = performance.now();
      status = res.statusCode ?? 0;
      httpVersion = Number(res.httpVersion) || 0;
      const len = Number(res.headers['content-length']);
      if (Number.isFinite(len)) contentLength = len;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > cfg.body_size_limit) {
          req.destroy(new Error(`body larger than body_size_limit (${cfg.body_size_limit} bytes)`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        at.end = performance.now();
        body = Buffer.concat(chunks);
        resolve();
      });
      res.on('error', (err) => fail(timeout.aborted ? `timeout after ${timeoutMs} ms` : err.message));
      res.on('close', () => { if (at.end === undefined) fail(timeout.aborted ? `timeout after ${timeoutMs} ms` : 'connection closed before the body ended'); });
    });
    if (cfg.body !== undefined) req.end(cfg.body);
    else req.end();
  });
  const t1 = performance.now();

  let success = reason === undefined;
  let failedDueToRegex = 0;
  if (success) {
    const valid = cfg.valid_status_codes.length ? cfg.valid_status_codes.includes(status) : status >= 200 && status < 300;
    if (!valid) {
      success = false;
      reason = `status code ${status} not in valid_status_codes`;
    }
  }
  if (success && (cfg.fail_if_body_matches_regexp.length || cfg.fail_if_body_not_matches_regexp.length)) {
    const text = body.toString('utf8');
    const bad = cfg.fail_if_body_matches_regexp.find((re) => compileRegex(re).test(text));
    const missing = cfg.fail_if_body_not_matches_regexp.find((re) => !compileRegex(re).test(text));
    if (bad !== undefined || missing !== undefined) {
      success = false;
      failedDueToRegex = 1;
      reason = bad !== undefined ? `body matched ${JSON.stringify(bad)}` : `body did not match ${JSON.stringify(missing)}`;
    }
  }

  const start = t0;
  const connected = at.connect ?? at.lookup ?? start;
  const ready = at.tls ?? at.connect;
  const phase: Record<(typeof PHASES)[number], number> = {
    resolve: at.lookup !== undefined ? seconds(start, at.lookup) : 0,
    connect: at.connect !== undefined ? seconds(at.lookup ?? start, at.connect) : 0,
    tls: at.tls !== undefined ? seconds(connected, at.tls) : 0,
    processing: at.firstByte !== undefined && ready !== undefined ? seconds(ready, at.firstByte) : 0,
    transfer: at.end !== undefined && at.firstByte !== undefined ? seconds(at.firstByte, at.end) : 0,
  };
  const samples: ProbeSample[] = [
    { name: 'probe_dns_lookup_time_seconds', value: phase.resolve },
    ...PHASES.map((p) => ({ name: 'probe_http_duration_seconds', labels: { phase: p }, value: phase[p] })),
    { name: 'probe_http_status_code', value: status },
    { name: 'probe_http_content_length', value: contentLength },
    { name: 'probe_http_uncompressed_body_length', value: body.length },
    { name: 'probe_http_version', value: httpVersion },
    { name: 'probe_http_ssl', value: tls && at.tls !== undefined ? 1 : 0 },
    { name: 'probe_http_redirects', value: 0 },
    { name: 'probe_failed_due_to_regex', value: failedDueToRegex },
    { name: 'probe_duration_seconds', value: seconds(t0, t1) },
    { name: 'probe_success', value: success ? 1 : 0 },
  ];
  if (certExpiry !== undefined && Number.isFinite(certExpiry)) samples.push({ name: 'probe_ssl_earliest_cert_expiry', value: certExpiry });
  return { success, reason, samples };
}
