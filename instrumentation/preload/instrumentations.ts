/**
 * Which instrumentations the preload turns on, and how: cheaper defaults than
 * the stock `auto-instrumentations-node/register`, same signals.
 *
 * On an Express 5 app the stock setup records four spans per request: the
 * HTTP server span, and three that only repeat it (the router package's
 * "request handler - /route" and "middleware - ..." spans, express's own
 * "request handler" span). The HTTP server span already carries http.route
 * (express sets it through the RPC metadata whether or not its layer spans
 * are recorded), so by default the preload keeps only that span:
 *
 * - express: layer spans off (`ignoreLayersType` = middleware, request_handler,
 *   router); the route still reaches the HTTP span and http.server.request.duration.
 *   LOOKOUT_EXPRESS_LAYER_SPANS=middleware,request_handler,router (or `all`) records them again.
 * - router (the `router` package, which Express 5 runs internally): off.
 * - net, dns: off. tcp.connect/dns.lookup spans repeat what the client span
 *   of the library above them (http, pg, redis, ...) records, with its timing.
 * - fs, host-metrics: off, as in the stock setup.
 *
 * LOOKOUT_EXTRA_INSTRUMENTATIONS=router,net,dns,fs adds any of these back on top
 * of the defaults. OTEL_NODE_ENABLED_INSTRUMENTATIONS, when set, is the user's
 * exact list and wins over Lookout's defaults (an instrumentation named there
 * is on); OTEL_NODE_DISABLED_INSTRUMENTATIONS always wins.
 */
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/** Off by default in the preload (on in the stock setup), with why in the header comment. */
export const LOOKOUT_OFF_BY_DEFAULT = ['router', 'net', 'dns'] as const;
export const EXPRESS_LAYER_TYPES = ['middleware', 'request_handler', 'router'] as const;
type ExpressLayerType = (typeof EXPRESS_LAYER_TYPES)[number];

const PREFIX = '@opentelemetry/instrumentation-';

function list(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export interface InstrumentationChoice {
  /** Per-instrumentation config for getNodeAutoInstrumentations (keyed by package name). */
  configs: Record<string, { enabled?: boolean; ignoreLayersType?: ExpressLayerType[] }>;
  /** Express layer types still recorded as spans. */
  expressLayerSpans: ExpressLayerType[];
}

/** Pure: what the env asks for. Bad values are warned about and ignored, never fatal. */
export function chooseInstrumentations(env: NodeJS.ProcessEnv, warn: (m: string) => void): InstrumentationChoice {
  const userList = list(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS);
  const disabled = new Set(list(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS));
  const extra = new Set(list(env.LOOKOUT_EXTRA_INSTRUMENTATIONS));
  const configs: InstrumentationChoice['configs'] = {};
  if (userList.length === 0) {
    for (const name of LOOKOUT_OFF_BY_DEFAULT) if (!extra.has(name)) configs[PREFIX + name] = { enabled: false };
    // fs and host-metrics are off by default upstream; naming them in LOOKOUT_EXTRA_INSTRUMENTATIONS turns them on.
    for (const name of ['fs', 'host-metrics']) if (extra.has(name) && !disabled.has(name)) configs[PREFIX + name] = { enabled: true };
  }
  const expressLayerSpans = parseLayerTypes(env.LOOKOUT_EXPRESS_LAYER_SPANS, warn);
  configs[PREFIX + 'express'] = { ignoreLayersType: EXPRESS_LAYER_TYPES.filter((t) => !expressLayerSpans.includes(t)) };
  return { configs, expressLayerSpans };
}

function parseLayerTypes(raw: string | undefined, warn: (m: string) => void): ExpressLayerType[] {
  const items = list(raw?.toLowerCase());
  if (items.length === 0 || (items.length === 1 && items[0] === 'none')) return [];
  if (items.length === 1 && items[0] === 'all') return [...EXPRESS_LAYER_TYPES];
  const known = items.filter((t): t is ExpressLayerType => (EXPRESS_LAYER_TYPES as readonly string[]).includes(t));
  const unknown = items.filter((t) => !known.includes(t as ExpressLayerType));
  if (unknown.length > 0) {
    warn(`LOOKOUT_EXPRESS_LAYER_SPANS: unknown layer type(s) ${unknown.join(', ')} ignored; use ${EXPRESS_LAYER_TYPES.join(', ')}, all or none`);
  }
  return known;
}

export function createInstrumentations(env: NodeJS.ProcessEnv, warn: (m: string) => void): Instrumentation[] {
  // Passing only the enabled:false overrides keeps upstream's own env handling
  // (OTEL_NODE_ENABLED/DISABLED_INSTRUMENTATIONS) for everything else.
  return getNodeAutoInstrumentations(chooseInstrumentations(env, warn).configs);
}
