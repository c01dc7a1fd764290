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
import { builtinComponents } from '../components';
import type { ComponentKind } from '../component/factory';
import { pipelinesSchema } from '../service/pipelines/schema';
import { prometheusReceiverConfigSchema } from '../receivers/prometheus/config';
import { remoteWriteExporterConfigSchema } from '../exporters/prometheusremotewrite/config';

const registry = builtinComponents();

/**
 * A component section (receivers, processors, exporters, connectors): one
 * key per registered type (its schema; absent = not configured) and any
 * `type/name` instance, validated by its type's schema when the pipelines
 * are built (agent/service/pipelines). `fixed` are the keys with defaults.
 */
function componentSection<F extends z.ZodRawShape>(kind: ComponentKind, fixed: F) {
  const shape: Record<string, z.ZodType> = {};
  // Not .optional(): zod 4 applies a default or prefault inside it, which would configure every type.
  for (const type of registry.types(kind)) if (!(type in fixed)) shape[type] = z.union([z.undefined(), registry.get(kind, type)!.configSchema]);
  const typed = z.strictObject(fixed);
  // Typed as the fixed keys: other types' and `type/name` instances are read through the pipelines' graph.
  return typed.extend(shape).catchall(z.unknown()) as unknown as z.ZodType<z.output<typeof typed>, z.input<typeof typed>>;
}
import { probesConfigSchema } from '../receivers/probes/config';
import { filelogConfigSchema } from '../receivers/filelog/config';

export const configSchema = z.strictObject({
  receivers: componentSection('receiver', {
    /** Without a receivers.otlp block: OTLP/HTTP on 4318 and OTLP/gRPC on 4317 (every SDK's and the Collector's convention). */
    otlp: otlpReceiverConfigSchema.prefault({ http: {}, grpc: {} }),
    /** Absent: no scraping. Wired by the service (samples go to the store directly), not through pipelines. */
    prometheus: prometheusReceiverConfigSchema.optional(),
    /** Absent: no log files tailed. A registered receiver type; a fixed key so typos get "did you mean". */
    filelog: filelogConfigSchema.optional(),
    /** Absent: no probes. Wired by the service (samples go to the store directly), not through pipelines. */
    probes: probesConfigSchema.optional(),
  }).prefault({}),
  processors: componentSection('processor', {}).prefault({}),
  exporters: componentSection('exporter', {
    /** Absent: no upstream, signals stay local. */
    otlp: otlpExporterConfigSchema.optional(),
    /** Absent: no remote write. Wired by the service (reads the store), not through pipelines. */
    prometheusremotewrite: remoteWriteExporterConfigSchema.optional(),
  }).prefault({}),
  connectors: componentSection('connector', {
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
    /** The Collector's service.pipelines; absent: the default pipelines (agent/service/pipelines/defaults.ts). */
    pipelines: pipelinesSchema.optional(),
  }).prefault({}),
});

export type LookoutConfig = z.infer<typeof configSchema>;
