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
// --- filelog-probes wiring (moves to the factory registry at merge) ---
import { filelogConfigSchema } from '../receivers/filelog/config';
import { probesConfigSchema } from '../receivers/probes/config';
// --- end filelog-probes wiring ---

export const configSchema = z.strictObject({
  receivers: z.strictObject({
    /** Without a receivers.otlp block: OTLP/HTTP on 4318 and OTLP/gRPC on 4317 (every SDK's and the Collector's convention). */
    otlp: otlpReceiverConfigSchema.prefault({ http: {}, grpc: {} }),
    // --- filelog-probes wiring (moves to the factory registry at merge) ---
    filelog: filelogConfigSchema.optional(),
    probes: probesConfigSchema.optional(),
    // --- end filelog-probes wiring ---
  }).prefault({}),
  exporters: z.strictObject({
    /** Absent: no upstream, signals stay local. */
    otlp: otlpExporterConfigSchema.optional(),
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
