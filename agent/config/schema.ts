/**
 * The whole agent configuration: each section's schema lives with its
 * component and is composed here. Objects are strict, so an unknown key
 * (a typo) is an error, never silently ignored.
 */
import { z } from 'zod';
import { durationSchema } from './duration';
import { otlpReceiverConfigSchema } from '../receivers/otlp/config';
import { otlpExporterConfigSchema } from '../exporters/otlp/config';
import { storeConfigSchema } from '../store/config';
import { queryConfigSchema } from '../promql/config';
import { spanmetricsConfigSchema } from '../connectors/spanmetrics/config';
import { logmetricsConfigSchema } from '../connectors/logmetrics/config';
import { rulesConfigSchema } from '../rules/config';
import { alertingConfigSchema } from '../alerting/config';
import { adminConfigSchema } from '../admin/config';
// ---- issue 14 (scrape-rw) wiring; moves to the factory registry at merge ----
import { prometheusReceiverConfigSchema } from '../receivers/prometheus/config';
import { remoteWriteExporterConfigSchema } from '../exporters/prometheusremotewrite/config';
import { redactionConfigSchema } from '../processors/redaction/config';

export const configSchema = z.strictObject({
  receivers: z.strictObject({
    /** Without a receivers.otlp block: OTLP/HTTP on 4318 and OTLP/gRPC on 4317 (every SDK's and the Collector's convention). */
    otlp: otlpReceiverConfigSchema.prefault({ http: {}, grpc: {} }),
    /** Absent: no scraping. (issue 14 wiring) */
    prometheus: prometheusReceiverConfigSchema.optional(),
  }).prefault({}),
  processors: z.strictObject({
    /** On by default: secrets are redacted before anything leaves the receiver (agent/processors/redaction). */
    redaction: redactionConfigSchema.prefault({}),
  }).prefault({}),
  exporters: z.strictObject({
    /** Absent: no upstream, signals stay local. */
    otlp: otlpExporterConfigSchema.optional(),
    /** Absent: no remote write. (issue 14 wiring) */
    prometheusremotewrite: remoteWriteExporterConfigSchema.optional(),
  }).prefault({}),
  connectors: z.strictObject({
    spanmetrics: spanmetricsConfigSchema.prefault({}),
    logmetrics: logmetricsConfigSchema.prefault({}),
  }).prefault({}),
  store: storeConfigSchema.prefault({}),
  query: queryConfigSchema.prefault({}),
  rules: rulesConfigSchema.prefault({}),
  alerting: alertingConfigSchema.prefault({}),
  admin: adminConfigSchema.prefault({}),
  storage: z.strictObject({
    dir: z.string().min(1).default('./data'),
  }).prefault({}),
  log: z.strictObject({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  }).prefault({}),
  service: z.strictObject({
    /** How long SIGTERM/SIGINT may spend flushing before the process exits. */
    shutdown_timeout: durationSchema().default(10_000),
  }).prefault({}),
});

export type LookoutConfig = z.infer<typeof configSchema>;
