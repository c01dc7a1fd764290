/**
 * Component factories, the Collector's model: each component type registers
 * one factory with its type name, the signals it handles, its config schema
 * (with defaults) and a create function. The service builds the pipeline
 * graph from config through the registry and knows nothing about concrete
 * components; components know only their config and their next consumer.
 *
 * Ids are `type` or `type/name` (several instances of one type), as in the
 * Collector's `service.pipelines`.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Signal } from '../otlp/model';
import type { Component, Consumer } from './component';

export type ComponentKind = 'receiver' | 'processor' | 'exporter' | 'connector';

/** What every create function gets besides its own config. */
export interface CreateSettings {
  /** The full id, e.g. "otlp" or "filter/health". */
  id: string;
  /** Directory of the config file, for relative paths in component configs. */
  baseDir: string;
  logger: Logger;
  /**
   * The agent's services around the pipelines, by name (the local store's
   * appenders, the shutdown deadline; see agent/service/services.ts).
   * Undefined outside a service (tests creating a component directly), so
   * components that need one must say so in their error.
   */
  service?: <T>(name: string) => T | undefined;
}

interface FactoryBase<C> {
  kind: ComponentKind;
  /** The type name used in config, e.g. "otlp", "redaction", "spanmetrics". */
  type: string;
  /** Strict zod schema of one instance's config section, defaults included. */
  configSchema: z.ZodType<C>;
}

export interface ReceiverFactory<C = unknown> extends FactoryBase<C> {
  kind: 'receiver';
  /** Signals the receiver can produce. */
  signals: readonly Signal[];
  /** `next` receives everything the receiver accepts, for every signal it is wired to. */
  create(settings: CreateSettings, config: C, next: Consumer): Component;
}

export interface ProcessorFactory<C = unknown> extends FactoryBase<C> {
  kind: 'processor';
  signals: readonly Signal[];
  /**
   * True when the processor changes the data it is handed. The service then
   * gives it its own copy wherever the same data also reaches another branch,
   * so branches never see each other's changes.
   */
  mutatesData: boolean;
  /**
   * True when the received protobuf bytes of a request (agent/otlp/raw.ts)
   * may travel through this processor: it never changes data, or it drops
   * the bytes of any request it changed (redaction). A pipeline with any
   * processor that does not declare it drops the bytes on entry, so the
   * exporter encodes what the pipeline made of the request.
   */
  keepsRawBytes?: boolean;
  /**
   * The instance may set `neverRefuses = false` when it refuses by itself
   * (memory_limiter); otherwise it only passes on what its next consumer answers.
   */
  create(settings: CreateSettings, config: C, next: Consumer): Component & Consumer;
}

export interface ExporterFactory<C = unknown> extends FactoryBase<C> {
  kind: 'exporter';
  signals: readonly Signal[];
  create(settings: CreateSettings, config: C): Component & Consumer;
}

export interface ConnectorFactory<C = unknown> extends FactoryBase<C> {
  kind: 'connector';
  /** [exporter-side signal, receiver-side signal] pairs, e.g. [['traces', 'metrics']] for spanmetrics. */
  connects: readonly (readonly [Signal, Signal])[];
  /**
   * Set when the connector does not use `next` but writes its output
   * somewhere itself (spanmetrics and logmetrics: "store", the local store).
   * A pipeline it feeds as a receiver may then only export there, with no
   * processors; that is checked when the graph is built.
   */
  directOutput?: string;
  /** `next` is the pipeline(s) in which the connector appears as a receiver. */
  create(settings: CreateSettings, config: C, next: Consumer): Component & Consumer;
}

export type Factory = ReceiverFactory | ProcessorFactory | ExporterFactory | ConnectorFactory;
