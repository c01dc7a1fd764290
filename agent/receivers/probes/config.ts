/**
 * receivers.probes: HTTP and TCP health probes, the Prometheus blackbox
 * exporter's model and key names (prober, timeout, http.valid_status_codes,
 * http.fail_if_body_not_matches_regexp, ...), with the targets listed here
 * instead of in a Prometheus scrape config. Every key is in README.md.
 */
import { z } from 'zod';
import { durationSchema } from '../../config/duration';
import { compileRegex } from '../../regex';
import { byteSizeSchema } from '../filelog/config';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const regexList = z.array(z.string().min(1).superRefine((re, ctx) => {
  try {
    compileRegex(re);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
})).default([]);

const httpSchema = z.strictObject({
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS']).default('GET'),
  headers: z.record(z.string().min(1), z.string()).default({}),
  body: z.string().optional(),
  /** Empty: any 2xx, as blackbox. */
  valid_status_codes: z.array(z.number().int().min(100).max(599)).default([]),
  fail_if_body_matches_regexp: regexList,
  fail_if_body_not_matches_regexp: regexList,
  /** A larger body fails the probe (blackbox: body_size_limit); 0 = unlimited is not offered. */
  body_size_limit: byteSizeSchema().default(1024 * 1024),
  /** Accept any TLS certificate (tls_config.insecure_skip_verify in blackbox). */
  insecure_skip_verify: z.boolean().default(false),
});

const targetSchema = z.strictObject({
  prober: z.enum(['http', 'tcp']).default('http'),
  /** http: a URL; tcp: host:port. Becomes the `instance` label. */
  target: z.string().min(1),
  interval: durationSchema().optional(),
  timeout: durationSchema().optional(),
  labels: z.record(z.string().regex(LABEL_NAME, 'invalid label name'), z.string()).default({}),
  http: httpSchema.prefault({}),
}).superRefine((t, ctx) => {
  if (t.prober === 'http') {
    let url: URL | undefined;
    try { url = new URL(t.target); } catch { /* reported below */ }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: `http target must be an http:// or https:// URL, got ${JSON.stringify(t.target)}` });
    }
  } else if (!/^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):\d{1,5}$/.test(t.target) || Number(t.target.split(':').pop()) > 65535) {
    ctx.addIssue({ code: 'custom', path: ['target'], message: `tcp target must be host:port, got ${JSON.stringify(t.target)}` });
  }
  for (const k of ['job', 'instance', '__name__', 'phase']) {
    if (k in t.labels) ctx.addIssue({ code: 'custom', path: ['labels', k], message: `label ${k} is set by the prober` });
  }
});

export const probesConfigSchema = z.strictObject({
  /** The `job` label of every probe series. */
  job: z.string().min(1).default('probes'),
  interval: durationSchema().default(15_000),
  timeout: durationSchema().default(5_000),
  targets: z.array(targetSchema).min(1).max(1000),
}).superRefine((c, ctx) => {
  const seen = new Set<string>();
  c.targets.forEach((t, i) => {
    const interval = t.interval ?? c.interval;
    const timeout = t.timeout ?? c.timeout;
    if (interval < 1000) ctx.addIssue({ code: 'custom', path: ['targets', i, 'interval'], message: 'must be at least 1s' });
    if (timeout <= 0 || timeout > interval) {
      ctx.addIssue({ code: 'custom', path: ['targets', i, 'timeout'], message: `must be positive and at most the interval (${interval} ms), got ${timeout} ms` });
    }
    const key = `${t.prober} ${t.target} ${JSON.stringify(t.labels)}`;
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['targets', i], message: `duplicate target ${t.target}` });
    seen.add(key);
  });
});

export type ProbesConfig = z.infer<typeof probesConfigSchema>;
export type ProbeTarget = ProbesConfig['targets'][number];
