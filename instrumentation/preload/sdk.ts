/**
 * The OpenTelemetry Node SDK as the preload runs it.
 *
 * NodeSDK reads the standard variables itself (OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_*, OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_*_EXPORTER, OTEL_METRIC_EXPORT_INTERVAL, OTEL_BSP_*, OTEL_BLRP_*,
 * OTEL_PROPAGATORS, ...); getNodeAutoInstrumentations reads
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS.
 * The OTLP exporters already default to the sidecar: http/protobuf to
 * http://localhost:4318.
 */
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
// The NodeSDK class itself, not the package index: the index also loads
// startNodeSDK's declarative-config support (@opentelemetry/configuration with
// a 400 KB generated validator, and yaml), which the preload never uses but
// would evaluate at startup and hold in the app's heap. A version that moves
// this file fails the build, not the app.
import { NodeSDK } from '@opentelemetry/sdk-node/build/src/sdk';
import { selectResourceDetectors } from './resource';

export interface Flushable {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface RunningSdk {
  /** Exports everything buffered; the SDK keeps running. */
  forceFlush(): Promise<void>;
  /** Exports everything buffered and stops all exporters and timers. */
  shutdown(): Promise<void>;
}

export function createSdk(distro: { name: string; version: string }, instrumentations: Instrumentation[]): { sdk: NodeSDK; running: RunningSdk } {
  const sdk = new NodeSDK({
    resource: defaultResource().merge(resourceFromAttributes({
      'telemetry.distro.name': distro.name,
      'telemetry.distro.version': distro.version,
    })),
    resourceDetectors: selectResourceDetectors(),
    instrumentations,
  });
  // NodeSDK offers shutdown() but no forceFlush(); a signal the app handles
  // itself needs a flush that leaves the SDK running. The providers are
  // private fields of the pinned, bundled sdk-node version; the SIGTERM test
  // fails if a version bump renames them.
  const providers = () => {
    const fields = sdk as unknown as Record<'_tracerProvider' | '_meterProvider' | '_loggerProvider', Flushable | undefined>;
    return [fields._tracerProvider, fields._meterProvider, fields._loggerProvider].filter((p): p is Flushable => p !== undefined);
  };
  const running: RunningSdk = {
    forceFlush: async () => {
      await Promise.allSettled(providers().map((p) => p.forceFlush()));
    },
    shutdown: async () => {
      await sdk.shutdown();
    },
  };
  return { sdk, running };
}
