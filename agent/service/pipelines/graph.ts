/**
 * Builds the pipeline graph from a checked plan: one instance per
 * receiver, exporter and connector id (shared by the pipelines naming it),
 * one processor instance per pipeline (as in the Collector), wired
 *
 *   receiver -> router (per signal) -> pipeline: processors... -> fan-out -> exporters / connectors
 *   connector -> router (per signal) -> the pipelines it is a receiver of
 *
 * and put in start order, computed from the edges: everything downstream
 * of a component starts before it; receivers come last (the service puts
 * its own services around them). Knows no concrete component.
 */
import type { Component, Consumer } from '../../component/component';
import type { CreateSettings, ProcessorFactory } from '../../component/factory';
import { FanoutConsumer } from '../../component/fanout';
import type { Signal, SignalData } from '../../otlp/model';
import { dropRawBytes } from '../../otlp/raw';
import { SignalRouter } from '../signal-router';
import { instanceKey, type GraphPlan, type PlannedInstance, type PlannedPipeline } from './plan';

type Node = Component & Partial<Consumer>;

export interface BuiltGraph {
  /** Exporters, connectors and processors, downstream first. */
  inner: Component[];
  /** Receivers (started after everything else, stopped first). */
  receivers: Component[];
  /** Instances by `${kind}:${id}` (processors by `processor:${id}@${pipeline}`). */
  byKey: Map<string, Component>;
  pipelines: PlannedPipeline[];
}

/** The head of one pipeline, as its receivers' routers see it. */
class PipelineEntry implements Consumer {
  constructor(
    readonly name: string,
    private readonly head: Consumer,
    private readonly mutates: () => boolean,
    private readonly local: () => boolean,
    /** A processor of this pipeline may change data without dropping its received bytes (agent/otlp/raw.ts). */
    private readonly dropsRawBytes: boolean,
  ) {}

  /** Read when data is handed over: connectors' downstream pipelines are wired after this one. */
  get mutatesData(): boolean {
    return this.mutates();
  }

  get neverRefuses(): boolean {
    return this.local();
  }

  consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    // This pipeline mutates, so (with other consumers of the request) its input is its own copy: dropping is local.
    if (this.dropsRawBytes) dropRawBytes(data);
    return this.head.consume(signal, data);
  }
}

export function buildGraph(plan: GraphPlan, settingsFor: (id: string) => CreateSettings): BuiltGraph {
  const byKey = new Map<string, Component>();
  const edges = new Map<Component, Component[]>();
  const link = (from: Component, to: Component) => edges.set(from, [...(edges.get(from) ?? []), to]);
  const planned = (kind: PlannedInstance['kind'], id: string) => plan.instances.get(instanceKey(kind, id))!;

  // Routers are filled once every pipeline exists; fan-outs and routers read their arrays at consume time.
  const receiverRouters = new Map<string, SignalRouter>();
  const connectorRouters = new Map<string, SignalRouter>();
  const routerOf = (map: Map<string, SignalRouter>, id: string) => {
    let r = map.get(id);
    if (!r) map.set(id, (r = new SignalRouter()));
    return r;
  };

  const exporterOrConnector = (id: string): Node => {
    const asExporter = plan.instances.get(instanceKey('exporter', id));
    const key = asExporter ? instanceKey('exporter', id) : instanceKey('connector', id);
    const existing = byKey.get(key) as Node | undefined;
    if (existing) return existing;
    let made: Node;
    if (asExporter) {
      if (asExporter.factory.kind !== 'exporter') throw new Error(`${id} is not an exporter`);
      made = asExporter.factory.create(settingsFor(id), asExporter.config);
    } else {
      const c = planned('connector', id);
      if (c.factory.kind !== 'connector') throw new Error(`${id} is not a connector`);
      made = c.factory.create(settingsFor(id), c.config, routerOf(connectorRouters, id));
    }
    byKey.set(key, made);
    return made;
  };

  /** Pipelines a connector feeds, to know whether what it is handed may be changed downstream. */
  const fedEntries = new Map<string, PipelineEntry[]>();
  /**
   * A connector as its upstream fan-out sees it: it may pass what it is
   * handed on as it is, so it mutates when a pipeline it feeds does (then it
   * gets its own copy, and the pipelines it feeds share or copy it in turn).
   */
  const asTarget = (id: string, node: Node): Consumer => {
    if (!plan.instances.has(instanceKey('connector', id)) || plan.instances.has(instanceKey('exporter', id))) return node as Consumer;
    return {
      consume: (signal, data) => (node as Consumer).consume(signal, data),
      get neverRefuses() { return node.neverRefuses; },
      get mutatesData() { return Boolean(node.mutatesData) || (fedEntries.get(id) ?? []).some((e) => e.mutatesData); },
    };
  };

  for (const p of plan.pipelines) {
    const targets = p.exporters.map(exporterOrConnector);
    const fanout = new FanoutConsumer(p.exporters.map((id, i) => asTarget(id, targets[i])));
    let next: Consumer = fanout;
    let downstream: Component[] = targets;
    let mutates = false;
    let refusesItself = false;
    let dropsRawBytes = false;
    for (let i = p.processors.length - 1; i >= 0; i--) {
      const id = p.processors[i];
      const pl = planned('processor', id);
      const factory = pl.factory as ProcessorFactory;
      const proc = factory.create(settingsFor(id), pl.config, next);
      byKey.set(`${instanceKey('processor', id)}@${p.name}`, proc);
      for (const d of downstream) link(proc, d);
      downstream = [proc];
      next = proc;
      mutates ||= factory.mutatesData || Boolean(proc.mutatesData);
      refusesItself ||= proc.neverRefuses === false;
      dropsRawBytes ||= !factory.keepsRawBytes;
    }
    const entry = new PipelineEntry(p.name, next, () => mutates || fanout.mutatesData, () => !refusesItself && fanout.neverRefuses, dropsRawBytes);
    for (const id of p.receivers) {
      if (plan.instances.has(instanceKey('connector', id)) && !plan.instances.has(instanceKey('receiver', id))) {
        routerOf(connectorRouters, id).subscribe(p.signal, entry);
        fedEntries.set(id, [...(fedEntries.get(id) ?? []), entry]);
        const connector = exporterOrConnector(id);
        for (const d of downstream) link(connector, d);
      } else {
        routerOf(receiverRouters, id).subscribe(p.signal, entry);
      }
    }
  }

  const receivers: Component[] = [];
  for (const [id, router] of receiverRouters) {
    const r = planned('receiver', id);
    if (r.factory.kind !== 'receiver') throw new Error(`${id} is not a receiver`);
    const made = r.factory.create(settingsFor(id), r.config, router);
    byKey.set(instanceKey('receiver', id), made);
    receivers.push(made);
  }

  return { inner: downstreamFirst([...byKey.values()].filter((c) => !receivers.includes(c)), edges), receivers, byKey, pipelines: plan.pipelines };
}

/** Depth-first post-order: a component comes after everything it sends to. The plan has no cycles. */
export function downstreamFirst(nodes: Component[], edges: Map<Component, Component[]>): Component[] {
  const out: Component[] = [];
  const seen = new Set<Component>();
  const visit = (n: Component) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const m of edges.get(n) ?? []) visit(m);
    out.push(n);
  };
  for (const n of nodes) visit(n);
  return out;
}
