/**
 * Resolves the configured dimensions of a span: the span's attribute, else
 * the resource's, else the dimension's default, else no label. New HTTP
 * semantic-convention names also read their pre-1.21 names, so apps on old
 * instrumentations get the same labels (http.method -> http_request_method).
 */
import type { KeyValue } from '../../otlp/model';
import { anyValueToString } from '../../otlp/values';
import { sanitizeLabelName } from '../../translate/prometheus/names';
import type { Dimension } from './config';
import type { AttributeCursor } from '../../otlp/wire/attributes';

/** Old semantic-convention attribute names read when the current one is absent. */
export const SEMCONV_FALLBACKS: Readonly<Record<string, readonly string[]>> = {
  'http.request.method': ['http.method'],
  'http.response.status_code': ['http.status_code'],
  'url.scheme': ['http.scheme'],
  'server.address': ['net.host.name'],
  'server.port': ['net.host.port'],
  'network.protocol.version': ['http.flavor'],
};

export class DimensionPlan {
  /** Label name per dimension, in config order. */
  readonly labelNames: string[];
  private readonly defaults: (string | undefined)[];
  /** attribute key -> dimension index * 2 (+1 for a fallback key). */
  private readonly slots = new Map<string, number>();
  /** Scratch arrays reused for every span (values by dimension: primary, fallback). */
  private readonly primary: (string | undefined)[];
  private readonly fallback: (string | undefined)[];
  /** The slots' keys as UTF-8, for matching attributes in raw protobuf bytes. */
  private readonly byteKeys: { name: string; bytes: Buffer; slot: number }[];

  constructor(readonly dimensions: readonly Dimension[]) {
    this.labelNames = dimensions.map((d) => sanitizeLabelName(d.name));
    this.defaults = dimensions.map((d) => d.default);
    dimensions.forEach((d, i) => {
      this.slots.set(d.name, i * 2);
      for (const old of SEMCONV_FALLBACKS[d.name] ?? []) {
        // A fallback never shadows a dimension configured under its own name.
        if (!this.slots.has(old)) this.slots.set(old, i * 2 + 1);
      }
    });
    this.primary = new Array(dimensions.length);
    this.fallback = new Array(dimensions.length);
    this.byteKeys = [...this.slots].map(([name, slot]) => ({ name, bytes: Buffer.from(name, 'utf8'), slot }));
  }

  get size(): number {
    return this.dimensions.length;
  }

  /** Values found in one attribute list: [primary..., fallback...] by dimension. */
  private scan(attrs: KeyValue[] | undefined | null): void {
    this.beginScan();
    if (!attrs) return;
    for (let i = 0; i < attrs.length; i++) {
      const slot = this.slots.get(attrs[i].key);
      if (slot !== undefined) this.put(slot, anyValueToString(attrs[i].value));
    }
  }

  /** Starts collecting one attribute list's values (put), read with resourceFromScan / spanFromScan. */
  beginScan(): void {
    this.primary.fill(undefined);
    this.fallback.fill(undefined);
  }

  /** An attribute of a dimension's key (slot from slots / slotOfKey): later ones win, as in scan(). */
  put(slot: number, value: string): void {
    if (slot & 1) this.fallback[slot >> 1] = value;
    else this.primary[slot >> 1] = value;
  }

  /**
   * The dimension slot of the attribute under the cursor, comparing key
   * bytes (no key is decoded); undefined when no dimension reads it.
   */
  slotAt(cursor: AttributeCursor): number | undefined {
    const keys = this.byteKeys;
    for (let i = 0; i < keys.length; i++) if (cursor.keyIs(keys[i].bytes)) return keys[i].slot;
    return undefined;
  }

  /**
   * Key bytes match exactly when the decoded keys would: false when a
   * configured name holds U+FFFD or a lone surrogate, which invalid UTF-8
   * also decodes to (then the connector reads the decoded tree instead).
   */
  get byteKeysExact(): boolean {
    return this.byteKeys.every((k) => !k.name.includes('\uFFFD') && k.bytes.toString('utf8') === k.name);
  }

  /** The resource's values per dimension (read once per resource). */
  resourceValues(attrs: KeyValue[] | undefined | null): (string | undefined)[] {
    this.scan(attrs);
    return this.resourceFromScan();
  }

  resourceFromScan(): (string | undefined)[] {
    return this.primary.map((v, i) => v ?? this.fallback[i]);
  }

  /**
   * Fills `out` with the span's value per dimension (undefined: no label).
   * An empty string counts as absent, as Prometheus has no empty labels.
   */
  spanValues(attrs: KeyValue[] | undefined | null, resource: (string | undefined)[], out: (string | undefined)[]): void {
    this.scan(attrs);
    this.spanFromScan(resource, out);
  }

  spanFromScan(resource: (string | undefined)[], out: (string | undefined)[]): void {
    for (let i = 0; i < out.length; i++) {
      const v = this.primary[i] || this.fallback[i] || resource[i] || this.defaults[i];
      out[i] = v === '' ? undefined : v;
    }
  }
}
