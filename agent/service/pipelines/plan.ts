/**
 * From config to a checked plan of the pipeline graph: which component
 * instances exist (kind, id, factory, parsed config) and how pipelines use
 * them. Every problem is a `path: message` (receivers.otlp/2.http.endpoint,
 * service.pipelines.traces.exporters[1], ...), all at once.
 */
import type { ComponentKind, ConnectorFactory, Factory } from '../../component/factory';
import { parseComponentId, type Registry } from '../../component/registry';
import { formatZodIssues, type ConfigProblem } from '../../config/load';
import type { LookoutConfig } from '../../config/schema';
import type { Signal } from '../../otlp/model';
import { defaultPipelines } from './defaults';
import type { PipelineConfig, PipelinesConfig } from './schema';

const SECTION: Record<ComponentKind, 'receivers' | 'processors' | 'exporters' | 'connectors'> = {
  receiver: 'receivers', processor: 'processors', exporter: 'exporters', connector: 'connectors',
};

export interface PlannedInstance {
  kind: ComponentKind;
  id: string;
  factory: Factory;
  config: unknown;
}

export interface PlannedPipeline extends PipelineConfig {
  name: string;
  signal: Signal;
}

export interface GraphPlan {
  /** Whether the pipelines came from service.pipelines or are the default ones. */
  explicit: boolean;
  pipelines: PlannedPipeline[];
  /** `${kind}:${id}` -> instance; processors are per pipeline in the graph but share one parsed config. */
  instances: Map<string, PlannedInstance>;
}

/**
 * Components the service wires around the pipelines (they read or write the
 * store directly, so they have no place in a signal pipeline): configured
 * under their section, never named in service.pipelines.
 */
export const SERVICE_WIRED: Record<ComponentKind, readonly string[]> = {
  receiver: ['prometheus', 'probes'], processor: [], exporter: ['prometheusremotewrite'], connector: [],
};

export const instanceKey = (kind: ComponentKind, id: string) => `${kind}:${id}`;

/** service.pipelines as written, or the default pipelines (the expanded form `check-config --print-pipelines` shows). */
export function expandedPipelines(config: LookoutConfig, registry: Registry): PipelinesConfig {
  return config.service.pipelines ?? defaultPipelines(config, registry);
}

export function planGraph(config: LookoutConfig, registry: Registry): { plan?: GraphPlan; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const explicit = config.service.pipelines !== undefined;
  const instances = new Map<string, PlannedInstance>();

  const sections = config as unknown as Record<string, Record<string, unknown> | undefined>;
  /** Parses one instance's section with its factory's schema (once). */
  const instance = (kind: ComponentKind, id: string, factory: Factory, at: string): PlannedInstance | undefined => {
    const key = instanceKey(kind, id);
    const known = instances.get(key);
    if (known) return known;
    const section = SECTION[kind];
    const raw = sections[section]?.[id];
    // A `type` key was parsed by the config schema already (parsing its output again is not the same).
    if (raw !== undefined && !id.includes('/')) {
      const made: PlannedInstance = { kind, id, factory, config: raw };
      instances.set(key, made);
      return made;
    }
    const parsed = factory.configSchema.safeParse(raw ?? {});
    if (!parsed.success) {
      if (raw === undefined) {
        problems.push({ path: at, message: `${kind} "${id}" is not configured: add it under ${section}` });
      } else {
        for (const p of formatZodIssues(parsed.error, factory.configSchema)) {
          problems.push({ path: `${section}.${id}${p.path === '(root)' ? '' : `.${p.path}`}`, message: p.message });
        }
      }
      return undefined;
    }
    const made: PlannedInstance = { kind, id, factory, config: parsed.data };
    instances.set(key, made);
    return made;
  };

  // Every declared instance must be of a registered type, used or not (a typo is never ignored).
  for (const kind of ['receiver', 'processor', 'exporter', 'connector'] as const) {
    for (const id of Object.keys(sections[SECTION[kind]] ?? {})) {
      if (SERVICE_WIRED[kind].includes(id)) continue;
      const parsedId = parseComponentId(id);
      const at = `${SECTION[kind]}.${id}`;
      if (typeof parsedId === 'string') problems.push({ path: at, message: parsedId });
      else if (!registry.has(kind, parsedId.type)) problems.push({ path: at, message: unknownType(kind, parsedId.type, registry) });
      else if (parsedId.name !== undefined && sections[SECTION[kind]]?.[id] !== undefined) {
        // `type/name` instances are validated here (the `type` keys by the config schema).
        instance(kind, id, registry.get(kind, parsedId.type)!, at);
      }
    }
  }

  const pipelinesConfig = expandedPipelines(config, registry);
  const pipelines: PlannedPipeline[] = [];
  /** connector id -> pipelines it feeds / is fed by, for the cycle check. */
  const feeds = new Map<string, { pipeline: string; at: string }[]>();
  const fedBy = new Map<string, { pipeline: string; at: string }[]>();

  for (const [name, p] of Object.entries(pipelinesConfig)) {
    const signal = name.split('/')[0] as Signal;
    const base = `service.pipelines.${name}`;
    pipelines.push({ name, signal, ...p });
    const resolve = (list: 'receivers' | 'processors' | 'exporters', id: string, i: number) => {
      const at = `${base}.${list}[${i}]`;
      const parsedId = parseComponentId(id);
      if (typeof parsedId === 'string') return void problems.push({ path: at, message: parsedId });
      const ownKind: ComponentKind = list === 'receivers' ? 'receiver' : list === 'processors' ? 'processor' : 'exporter';
      const asConnector = list !== 'processors' && registry.has('connector', parsedId.type) && !registry.has(ownKind, parsedId.type);
      const kind = asConnector ? 'connector' : ownKind;
      const factory = registry.get(kind, parsedId.type);
      if (!factory) return void problems.push({ path: at, message: unknownType(ownKind, parsedId.type, registry, list !== 'processors') });
      if (!instance(kind, id, factory, at)) return;
      if (factory.kind === 'connector') {
        const side = list === 'exporters' ? 0 : 1;
        if (!factory.connects.some((pair) => pair[side] === signal)) {
          const sides = factory.connects.map((c) => `${c[0]} -> ${c[1]}`).join(', ');
          return void problems.push({ path: at, message: `connector "${id}" connects ${sides}; it cannot be ${side === 0 ? 'an exporter' : 'a receiver'} of a ${signal} pipeline` });
        }
        (list === 'exporters' ? fedBy : feeds).set(id, [...((list === 'exporters' ? fedBy : feeds).get(id) ?? []), { pipeline: name, at }]);
        if (list === 'receivers') directOutputProblem(factory, id, name, p, at, problems);
      } else if (!factory.signals.includes(signal)) {
        problems.push({ path: at, message: `${kind} "${id}" does not handle ${signal} (it handles ${factory.signals.join(', ')})` });
      }
    };
    p.receivers.forEach((id, i) => resolve('receivers', id, i));
    p.processors.forEach((id, i) => resolve('processors', id, i));
    p.exporters.forEach((id, i) => resolve('exporters', id, i));
    for (const list of ['receivers', 'processors', 'exporters'] as const) {
      const seen = new Set<string>();
      p[list].forEach((id, i) => {
        if (seen.has(id)) problems.push({ path: `${base}.${list}[${i}]`, message: `"${id}" is listed twice` });
        seen.add(id);
      });
    }
  }
  for (const [id, uses] of feeds) {
    if (!fedBy.has(id)) problems.push({ path: uses[0].at, message: `connector "${id}" is a receiver here but no pipeline exports to it` });
  }
  const cycle = findCycle(pipelines, fedBy, feeds);
  if (cycle) problems.push(cycle);
  if (problems.length) return { problems };
  return { plan: { explicit, pipelines, instances }, problems };
}

function unknownType(kind: ComponentKind, type: string, registry: Registry, orConnector = false): string {
  const known = [...registry.types(kind), ...(orConnector ? registry.types('connector') : [])];
  return `unknown ${kind}${orConnector ? ' or connector' : ''} type "${type}"; known: ${known.join(', ') || '(none)'}`;
}

function directOutputProblem(factory: ConnectorFactory, id: string, name: string, p: PipelineConfig, at: string, problems: ConfigProblem[]): void {
  const out = factory.directOutput;
  if (!out) return;
  if (p.processors.length || p.exporters.some((e) => e.split('/')[0] !== out)) {
    problems.push({ path: at, message: `connector "${id}" writes its output to ${out} itself: a pipeline it feeds may only export to ${out}, with no processors (pipeline ${name})` });
  }
}

/** A pipeline reaching itself through connectors (P exports to C, C feeds Q, ... back to P). */
function findCycle(
  pipelines: PlannedPipeline[],
  fedBy: Map<string, { pipeline: string; at: string }[]>,
  feeds: Map<string, { pipeline: string; at: string }[]>,
): ConfigProblem | undefined {
  const edges = new Map<string, { connector: string; to: string; at: string }[]>();
  for (const [connector, sources] of fedBy) {
    for (const s of sources) {
      for (const t of feeds.get(connector) ?? []) {
        edges.set(s.pipeline, [...(edges.get(s.pipeline) ?? []), { connector, to: t.pipeline, at: s.at }]);
      }
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: { pipeline: string; connector?: string; at?: string }[] = [];
  const visit = (name: string): ConfigProblem | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') {
      const from = trail.findIndex((t) => t.pipeline === name);
      const loop = trail.slice(from);
      const text = loop.map((t) => `${t.pipeline} -> ${t.connector}`).join(' -> ') + ` -> ${name}`;
      return { path: loop[0].at ?? `service.pipelines.${name}`, message: `pipelines form a cycle through connectors: ${text}` };
    }
    state.set(name, 'visiting');
    for (const e of edges.get(name) ?? []) {
      trail.push({ pipeline: name, connector: e.connector, at: e.at });
      const found = visit(e.to);
      if (found) return found;
      trail.pop();
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const p of pipelines) {
    const found = visit(p.name);
    if (found) return found;
  }
  return undefined;
}
