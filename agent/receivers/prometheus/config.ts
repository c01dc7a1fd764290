/**
 * receivers.prometheus: Prometheus scrape configuration in Prometheus' own
 * format (the `scrape_configs` of prometheus.yml 2.42, under `config:` as in
 * the Collector's prometheus receiver), plus Lookout's own keys. Every key
 * is documented in this folder's README.md.
 */
import { z } from 'zod';
import { durationSchema } from '../../config/duration';
import { secret } from '../../config/secret';
import { relabelConfigSchema } from './relabel';

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** A byte size as Prometheus writes it (`10MB`, base 2 as units.ParseBase2Bytes) or a plain number of bytes. */
export const byteSizeSchema = z.union([z.number().int().min(0), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const m = /^(\d+)(B|KB|MB|GB|KiB|MiB|GiB)?$/.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `not a valid size ${JSON.stringify(v)} (use e.g. 10MB or a number of bytes)` });
    return z.NEVER;
  }
  return Number(m[1]) * SIZE_UNITS[m[2] ?? 'B'];
});

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const labelSetSchema = z.record(z.string().regex(LABEL_NAME, 'not a valid label name'), z.string());

export const staticConfigSchema = z.strictObject({
  targets: z.array(z.string().min(1)).default([]),
  labels: labelSetSchema.default({}),
});

export const fileSdConfigSchema = z.strictObject({
  /** Paths; the last element may hold `*` / `?` wildcards (as in Prometheus). JSON or YAML files of target groups. */
  files: z.array(z.string().min(1)).min(1),
  refresh_interval: durationSchema().default(300_000),
});

const tlsConfigSchema = z.strictObject({
  ca_file: z.string().optional(),
  cert_file: z.string().optional(),
  key_file: z.string().optional(),
  server_name: z.string().optional(),
  insecure_skip_verify: z.boolean().default(false),
}).refine((t) => !t.cert_file === !t.key_file, { message: 'cert_file and key_file must be given together' });

const basicAuthSchema = z.strictObject({
  username: z.string().min(1),
  password: secret(z.string()).optional(),
  password_file: z.string().optional(),
}).refine((b) => !(b.password && b.password_file), { message: 'at most one of basic_auth password & password_file must be configured' });

const authorizationSchema = z.strictObject({
  type: z.string().default('Bearer'),
  credentials: secret(z.string()).optional(),
  credentials_file: z.string().optional(),
}).refine((a) => !(a.credentials && a.credentials_file), { message: 'at most one of authorization credentials & credentials_file must be configured' })
  .refine((a) => a.type.toLowerCase() !== 'basic', { message: `authorization type cannot be set to "basic", use "basic_auth" instead` });

export const scrapeConfigSchema = z.strictObject({
  job_name: z.string().min(1),
  /** Defaults to global.scrape_interval. */
  scrape_interval: durationSchema().optional(),
  /** Defaults to global.scrape_timeout, cut to scrape_interval. */
  scrape_timeout: durationSchema().optional(),
  metrics_path: z.string().startsWith('/', 'must start with /').default('/metrics'),
  params: z.record(z.string(), z.array(z.string())).default({}),
  scheme: z.enum(['http', 'https']).default('http'),
  basic_auth: basicAuthSchema.optional(),
  authorization: authorizationSchema.optional(),
  tls_config: tlsConfigSchema.optional(),
  honor_labels: z.boolean().default(false),
  honor_timestamps: z.boolean().default(true),
  static_configs: z.array(staticConfigSchema).default([]),
  file_sd_configs: z.array(fileSdConfigSchema).default([]),
  relabel_configs: z.array(relabelConfigSchema).default([]),
  metric_relabel_configs: z.array(relabelConfigSchema).default([]),
  /** More samples (after metric relabeling) fail the scrape; 0 = no limit. */
  sample_limit: z.number().int().min(0).default(0),
  /** More labels on one sample fail the scrape; 0 = no limit. */
  label_limit: z.number().int().min(0).default(0),
  /** A larger body (uncompressed) fails the scrape. Prometheus' default is 0 (none); a sidecar's is bounded. */
  body_size_limit: byteSizeSchema.default(50 * 1024 * 1024),
}).refine((c) => !(c.basic_auth && c.authorization), {
  message: 'at most one of basic_auth, oauth2 & authorization must be configured', path: ['authorization'],
});

export const prometheusReceiverConfigSchema = z.strictObject({
  config: z.strictObject({
    global: z.strictObject({
      scrape_interval: durationSchema().default(60_000),
      scrape_timeout: durationSchema().default(10_000),
    }).prefault({}),
    scrape_configs: z.array(scrapeConfigSchema).default([]),
  }).prefault({}),
  /** Also send every scrape upstream as OTLP metrics (named per the OTel Prometheus compatibility spec) through exporters.otlp. */
  upstream: z.boolean().default(false),
  /** Most series all scrape jobs together may create in the store; default: the app budget (store.max_series - store.reserved_series). */
  max_series: z.number().int().positive().optional(),
  /** Most new series one scrape may create (beyond: refused and counted, the scrape still succeeds); 0 = no limit. */
  max_new_series_per_scrape: z.number().int().min(0).default(10_000),
}).superRefine((c, ctx) => {
  const seen = new Set<string>();
  c.config.scrape_configs.forEach((sc, i) => {
    if (seen.has(sc.job_name)) {
      ctx.addIssue({ code: 'custom', path: ['config', 'scrape_configs', i, 'job_name'], message: `found multiple scrape configs with job name ${JSON.stringify(sc.job_name)}` });
    }
    seen.add(sc.job_name);
    const interval = sc.scrape_interval ?? c.config.global.scrape_interval;
    if (sc.scrape_timeout !== undefined && sc.scrape_timeout > interval) {
      ctx.addIssue({ code: 'custom', path: ['config', 'scrape_configs', i, 'scrape_timeout'], message: `scrape timeout greater than scrape interval for scrape config with job name ${JSON.stringify(sc.job_name)}` });
    }
    if (interval <= 0) ctx.addIssue({ code: 'custom', path: ['config', 'scrape_configs', i, 'scrape_interval'], message: 'must be positive' });
  });
});

export type PrometheusReceiverConfig = z.infer<typeof prometheusReceiverConfigSchema>;
export type ScrapeConfig = z.infer<typeof scrapeConfigSchema>;
export type TargetGroup = z.infer<typeof staticConfigSchema>;

/** interval and timeout of one job with the global defaults applied (timeout cut to the interval, as Prometheus does). */
export function jobTiming(c: PrometheusReceiverConfig, sc: ScrapeConfig): { intervalMs: number; timeoutMs: number } {
  const intervalMs = sc.scrape_interval ?? c.config.global.scrape_interval;
  const timeoutMs = sc.scrape_timeout ?? Math.min(c.config.global.scrape_timeout, intervalMs);
  return { intervalMs, timeoutMs };
}
