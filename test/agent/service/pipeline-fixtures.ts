/**
 * Component types registered from tests (no service changes): a capturing
 * exporter, a filter-like processor, a mutating processor, a forward
 * connector and a stand-in `redaction`, plus a Service builder on a test
 * registry.
 */
import pino from 'pino';
import { z } from 'zod';
import type { Component, Consumer } from '../../../agent/component/component';
import type { ConnectorFactory, ExporterFactory, ProcessorFactory } from '../../../agent/component/factory';
import type { Registry } from '../../../agent/component/registry';
import { builtinComponents } from '../../../agent/components';
import { parseConfigText } from '../../../agent/config/load';
import type { Signal, SignalData, ExportTraceServiceRequest } from '../../../agent/otlp/model';
import { Service } from '../../../agent/service/service';

/** What each `capture` exporter instance got, by id. */
export const captured = new Map<string, { signal: Signal; data: SignalData[Signal] }[]>();

export function spanNames(id: string): string[] {
  const out: string[] = [];
  for (const r of captured.get(id) ?? []) {
    if (r.signal !== 'traces') continue;
    for (const rs of (r.data as ExportTraceServiceRequest).resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) out.push(s.name ?? '');
    }
  }
  return out.sort();
}

const noConfig = z.strictObject({}).prefault({}) as unknown as z.ZodType<Record<string, never>>;

class Passive implements Component {
  constructor(readonly id: string) {}
  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export const captureExporter: ExporterFactory<Record<string, never>> = {
  kind: 'exporter', type: 'capture', signals: ['traces', 'metrics', 'logs'], configSchema: noConfig,
  create: (settings) => Object.assign(new Passive(settings.id), {
    async consume<S extends Signal>(signal: S, data: SignalData[S]) {
      captured.set(settings.id, [...(captured.get(settings.id) ?? []), { signal, data }]);
    },
  }),
};

/** Drops spans whose name starts with `name_prefix` (the filter processor's job, in miniature). */
export const dropNamedProcessor: ProcessorFactory<{ name_prefix: string }> = {
  kind: 'processor', type: 'drop_named', signals: ['traces'], mutatesData: true,
  configSchema: z.strictObject({ name_prefix: z.string().min(1) }),
  create: (settings, config, next) => Object.assign(new Passive(settings.id), {
    async consume<S extends Signal>(signal: S, data: SignalData[S]) {
      for (const rs of (data as ExportTraceServiceRequest).resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) ss.spans = (ss.spans ?? []).filter((s) => !(s.name ?? '').startsWith(config.name_prefix));
      }
      return next.consume(signal, data);
    },
  }),
};

/** Renames every span in place: a mutating processor. */
export const renameProcessor: ProcessorFactory<{ to: string }> = {
  kind: 'processor', type: 'rename', signals: ['traces'], mutatesData: true,
  configSchema: z.strictObject({ to: z.string().default('renamed') }).prefault({}),
  create: (settings, config, next) => Object.assign(new Passive(settings.id), {
    async consume<S extends Signal>(signal: S, data: SignalData[S]) {
      for (const rs of (data as ExportTraceServiceRequest).resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) s.name = config.to;
      }
      return next.consume(signal, data);
    },
  }),
};

/** traces in, traces out, unchanged (the Collector's forward connector). */
export const forwardConnector: ConnectorFactory<Record<string, never>> = {
  kind: 'connector', type: 'forward', connects: [['traces', 'traces']], configSchema: noConfig,
  create: (settings, _config, next: Consumer) => Object.assign(new Passive(settings.id), {
    consume<S extends Signal>(signal: S, data: SignalData[S]) { return next.consume(signal, data); },
  }),
};

/** Stands in for the processors engineer's redaction factory (not in this branch). */
export const fakeRedaction: ProcessorFactory<Record<string, never>> = {
  kind: 'processor', type: 'redaction', signals: ['traces', 'metrics', 'logs'], mutatesData: true, configSchema: noConfig,
  create: (settings, _config, next) => Object.assign(new Passive(settings.id), {
    consume<S extends Signal>(signal: S, data: SignalData[S]) { return next.consume(signal, data); },
  }),
};

export function testRegistry(...extra: Parameters<Registry['register']>[0][]): Registry {
  const r = builtinComponents();
  for (const f of [captureExporter, dropNamedProcessor, renameProcessor, forwardConnector, ...extra]) r.register(f);
  return r;
}

/** A service from YAML text, on 127.0.0.1:0 admin, with the default rule pack off. */
export function serviceFromYaml(yaml: string, dir: string, registry: Registry): Service {
  const config = parseConfigText(`${yaml}\nstorage: { dir: ${JSON.stringify(dir)} }\nadmin: { endpoint: 127.0.0.1:0 }\nrules: { default_pack: { enabled: false } }\n`, 'test.yaml', {});
  return new Service({ config, baseDir: dir, source: 'test.yaml' }, { logger: pino({ level: 'silent' }), registry });
}
