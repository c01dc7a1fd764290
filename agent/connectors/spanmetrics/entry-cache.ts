/**
 * spanmetrics' entries found without building their key. The key string
 * (resource, service, span name, kind, status, dimension values) was
 * concatenated for every span and hashed twice (calls, duration): at the
 * testbed's 10k spans/s that was a few percent of a core. Here a
 * resource's spans find their entries by span name and then by comparing
 * kind, status and values (the same short strings, mostly the same
 * objects); the key is built only the first time.
 *
 * Bounded: at most `maxEntries` (the families' cardinality limit, or the
 * default below) cached label sets; the overflow entry is never cached
 * (every new label set would add one). Forgotten whole when the families
 * drop an entry (expiry), so a cached entry is always one the families hold.
 */
import type { CounterEntry, HistogramEntry } from '../shared/derived-metrics';

export interface CachedEntries {
  readonly kind: string;
  readonly status: string;
  readonly values: readonly (string | undefined)[];
  readonly calls: CounterEntry;
  /** The families' key (the calls family's Map key itself: no copy). */
  readonly key: string;
  /** Created with the first span that has a valid duration. */
  duration?: HistogramEntry;
}

/** Cached label sets when the families have no cardinality limit. */
export const DEFAULT_MAX_CACHED = 10_000;

export class SpanEntryCache {
  private readonly byResource = new Map<string, Map<string, CachedEntries[]>>();
  private current?: Map<string, CachedEntries[]>;
  private size = 0;
  private generation = -1;

  constructor(private readonly maxEntries: number) {}

  /** The spans of one resource follow; `generation` changes whenever the families dropped entries. */
  enter(resourceKey: string, generation: number): void {
    if (generation !== this.generation) {
      this.byResource.clear();
      this.size = 0;
      this.generation = generation;
    }
    let byName = this.byResource.get(resourceKey);
    if (!byName) {
      byName = new Map();
      this.byResource.set(resourceKey, byName);
    }
    this.current = byName;
  }

  find(name: string, kind: string, status: string, values: readonly (string | undefined)[]): CachedEntries | undefined {
    const list = this.current?.get(name);
    if (!list) return undefined;
    next: for (let k = 0; k < list.length; k++) {
      const c = list[k];
      if (c.kind !== kind || c.status !== status) continue;
      for (let i = 0; i < values.length; i++) if (c.values[i] !== values[i]) continue next;
      return c;
    }
    return undefined;
  }

  /** Remembers a label set's entries (unless the cache is full); returns what find() will return for it. */
  add(name: string, kind: string, status: string, values: readonly (string | undefined)[], calls: CounterEntry, key: string): CachedEntries | undefined {
    if (!this.current || this.size >= this.maxEntries) return undefined;
    const entry: CachedEntries = { kind, status, values: values.slice(), calls, key };
    const list = this.current.get(name);
    if (list) list.push(entry);
    else this.current.set(name, [entry]);
    this.size++;
    return entry;
  }

  /** Cached label sets (for tests). */
  get entries(): number {
    return this.size;
  }
}
