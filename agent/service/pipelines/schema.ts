/**
 * service.pipelines, as in the Collector: pipelines named `signal` or
 * `signal/name`, each listing receivers, processors (in order) and
 * exporters by component id. What the ids refer to is checked when the
 * graph is built (agent/service/pipelines/graph.ts).
 */
import { z } from 'zod';

const ids = z.array(z.string().min(1));

export const pipelineSchema = z.strictObject({
  receivers: ids.min(1, 'a pipeline needs at least one receiver'),
  processors: ids.default([]),
  exporters: ids.min(1, 'a pipeline needs at least one exporter'),
});

export const pipelinesSchema = z.record(z.string(), pipelineSchema).superRefine((p, ctx) => {
  if (Object.keys(p).length === 0) ctx.addIssue({ code: 'custom', message: 'service.pipelines needs at least one pipeline (leave it out for the default pipelines)' });
  for (const name of Object.keys(p)) {
    if (!/^(traces|metrics|logs)(\/[A-Za-z0-9_.-]+)?$/.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'a pipeline is named traces, metrics or logs, optionally /name (traces/local)' });
    }
  }
});

export type PipelineConfig = z.infer<typeof pipelineSchema>;
export type PipelinesConfig = Record<string, PipelineConfig>;
