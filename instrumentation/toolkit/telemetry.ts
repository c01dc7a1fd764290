/**
 * The toolkit's handles on the OpenTelemetry API. The API is only an
 * interface: when the app runs under Lookout's preload (or any SDK), spans
 * and metrics flow; otherwise every call is a cheap no-op.
 */
import { metrics, trace, type Meter, type MeterProvider, type Tracer } from '@opentelemetry/api';

export const TOOLKIT_SCOPE = 'lookout-toolkit';
export const TOOLKIT_VERSION = '0.1.0';

export function toolkitTracer(): Tracer {
  return trace.getTracer(TOOLKIT_SCOPE, TOOLKIT_VERSION);
}

/**
 * The metrics API has no proxy provider: a meter taken before the SDK is
 * registered stays a no-op forever. So instruments are created per provider,
 * on first use, and cached for that provider.
 */
export function perMeterProvider<T>(create: (meter: Meter) => T): () => T {
  const cache = new WeakMap<MeterProvider, T>();
  return () => {
    const provider = metrics.getMeterProvider();
    let value = cache.get(provider);
    if (value === undefined) {
      value = create(provider.getMeter(TOOLKIT_SCOPE, TOOLKIT_VERSION));
      cache.set(provider, value);
    }
    return value;
  };
}
