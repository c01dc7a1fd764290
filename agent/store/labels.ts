/**
 * Label-set helpers for the store: a 53-bit hash per label set (equal sets,
 * equal hashes, whatever the property order; empty values count as absent)
 * so no per-series key string has to be kept, an equality check for hash
 * collisions, and string interning (100 000 series repeat the same few names
 * and values; one copy of each keeps memory per series low).
 */
import type { Labels } from './types';
import { sortedNames } from './label-order';

/** Canonical identity string of a label set (sorted names, empty values dropped). */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let key = '';
  for (const n of names) {
    const v = labels[n];
    if (v === '' || v === undefined) continue;
    key += n + '\xff' + v + '\xff';
  }
  return key;
}

/** cyrb53 over the canonical form, computed without building the string. */
export function labelsHash(labels: Labels): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const feed = (s: string): void => {
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ 0xff, 2654435761);
    h2 = Math.imul(h2 ^ 0xff, 1597334677);
  };
  for (const n of sortedNames(labels)) {
    const v = labels[n];
    if (v === '' || v === undefined) continue;
    feed(n);
    feed(v);
  }
  return finish(h1, h2);
}

/** cyrb53 of one string (53 bits), for maps keyed by long strings that need not keep them. */
export function stringHash(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  return finish(h1, h2);
}

function finish(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Whether a stored canonical label set equals the given one (empty values counting as absent). */
export function sameLabels(canonical: Labels, other: Labels): boolean {
  let n = 0;
  for (const name in other) {
    const v = other[name];
    if (v === '' || v === undefined) continue;
    if (canonical[name] !== v) return false;
    n++;
  }
  return n === Object.keys(canonical).length;
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
  /** Text held, 2 bytes per UTF-16 code unit (what store.max_label_bytes bounds). */
  bytes = 0;

  intern(s: string): string {
    const hit = this.table.get(s);
    if (hit !== undefined) return hit;
    this.table.set(s, s);
    this.bytes += 2 * s.length;
    return s;
  }

  /** Forgets strings no longer referenced by any live series (called after retention drops series). */
  retainOnly(live: Set<string>): void {
    for (const s of this.table.keys()) {
      if (live.has(s)) continue;
      this.table.delete(s);
      this.bytes -= 2 * s.length;
    }
  }

  get size(): number {
    return this.table.size;
  }
}
