/**
 * Label-set helpers shared by the store and the engine: a canonical key per
 * label set (so equal sets map to one series whatever the property order) and
 * string interning (100 000 series repeat the same few names and values; one
 * copy of each keeps memory per series low).
 */
import type { Labels } from './types';

const SEP = '\xff';

/** Canonical identity of a label set: names sorted, empty values dropped (Prometheus treats "" as absent). */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let key = '';
  for (const n of names) {
    const v = labels[n];
    if (v === '' || v === undefined) continue;
    key += n + SEP + v + SEP;
  }
  return key;
}

/** A copy with names in sorted order and empty values dropped (the form the store keeps). */
export function canonicalLabels(labels: Labels, intern: (s: string) => string = (s) => s): Labels {
  const out: Labels = {};
  for (const n of Object.keys(labels).sort()) {
    const v = labels[n];
    if (v === '' || v === undefined) continue;
    out[intern(n)] = intern(v);
  }
  return out;
}

/** Deduplicates strings: the same label name/value text is held once however many series carry it. */
export class StringInterner {
  private readonly table = new Map<string, string>();

  intern(s: string): string {
    const hit = this.table.get(s);
    if (hit !== undefined) return hit;
    this.table.set(s, s);
    return s;
  }

  /** Forgets strings no longer referenced by any live series (called after retention drops series). */
  retainOnly(live: Set<string>): void {
    for (const s of this.table.keys()) if (!live.has(s)) this.table.delete(s);
  }

  get size(): number {
    return this.table.size;
  }
}
